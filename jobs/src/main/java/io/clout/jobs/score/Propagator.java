package io.clout.jobs.score;

import static org.apache.spark.sql.functions.col;

import io.clout.common.scoring.Propagation;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.array.ByteArrayMethods;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Runs {@link Propagation}'s rank over an edge list (src, dst, p) of string ids (long ids too, in
 * memory), on one of two paths that compute the same numbers: in memory on one executor when the
 * graph has at most {@code scoring.local-max-edges} edges (arrays, no shuffles per iteration), or
 * in blocks spread over the cluster ({@link BlockPropagation}) with its lineage cut every {@code
 * scoring.checkpoint-every} iterations. Returns (person_id, rank, iterations) for every node that
 * has an edge.
 */
public final class Propagator {
  public static final StructType RANKS =
      new StructType()
          .add("person_id", DataTypes.StringType, false)
          .add("rank", DataTypes.DoubleType, false)
          .add("iterations", DataTypes.IntegerType, false);

  private Propagator() {}

  public record Settings(
      double damping, double tolerance, int maxIterations, int checkpointEvery, long localMaxEdges)
      implements java.io.Serializable {}

  public static Dataset<Row> ranks(Dataset<Row> edges, long edgeCount, Settings s) {
    return edgeCount <= s.localMaxEdges() ? inMemory(edges, s) : distributed(edges, s);
  }

  /**
   * All edges ranked in one task with arrays: the fast path for graphs that fit. Ids may be strings
   * or longs; long ids (already numbered, as GraphX wants them) come back as their decimal text in
   * person_id. Each core first numbers the distinct ids of its share of the edges in id order,
   * reading Spark's internal rows (a string id stays UTF-8 bytes); the one task then numbers all
   * the shares' distinct ids together, so the per-edge work runs on every core.
   */
  public static Dataset<Row> inMemory(Dataset<Row> edges, Settings s) {
    Dataset<Row> e = edges.select(col("src"), col("dst"), col("p"));
    boolean longIds = e.schema().apply("src").dataType().equals(DataTypes.LongType);
    SparkSession spark = e.sparkSession();
    JavaRDD<Row> ranks =
        e.queryExecution()
            .toRdd()
            .toJavaRDD()
            .coalesce(spark.sparkContext().defaultParallelism())
            .mapPartitions(new NumberIds(longIds))
            .repartition(1)
            .mapPartitions(new InMemoryRank(s));
    return spark.createDataFrame(ranks, RANKS);
  }

  /**
   * Partition {@code partition}'s share of the edges with their ends numbered 0..k-1 in id order:
   * the distinct ids themselves are {@code longIds}, or the UTF-8 bytes {@code utf8} cut at {@code
   * ends}.
   */
  record Share(
      int partition, long[] longIds, byte[] utf8, int[] ends, int[] src, int[] dst, double[] p)
      implements Serializable {
    int ids() {
      return longIds != null ? longIds.length : ends.length;
    }
  }

  /** Executor side of {@link #inMemory}, on each core: rows to one {@link Share}. */
  static final class NumberIds implements FlatMapFunction<Iterator<InternalRow>, Share> {
    private final boolean longIds;

    NumberIds(boolean longIds) {
      this.longIds = longIds;
    }

    @Override
    public Iterator<Share> call(Iterator<InternalRow> rows) {
      Ids ids = longIds ? new LongIds() : new Utf8Ids();
      IntList src = new IntList();
      IntList dst = new IntList();
      double[] p = new double[1024];
      int m = 0;
      int last = -1;
      while (rows.hasNext()) {
        InternalRow r = rows.next();
        if (r.isNullAt(0) || r.isNullAt(1) || r.isNullAt(2)) {
          throw new IllegalArgumentException("Cannot rank: an edge with a null src, dst or p");
        }
        // Edges often come grouped by source: a source the row before had is not added again.
        last = last >= 0 && ids.sameId(r, 0, last) ? last : ids.add(r, 0);
        src.add(last);
        dst.add(ids.add(r, 1));
        if (m == p.length) {
          p = Arrays.copyOf(p, m * 2);
        }
        p[m++] = r.getDouble(2);
      }
      IdOrder.Sorted sorted = ids.sort();
      int[] s = src.toArray();
      int[] d = dst.toArray();
      for (int k = 0; k < m; k++) {
        s[k] = sorted.number()[s[k]];
        d[k] = sorted.number()[d[k]];
      }
      return List.of(
              ids.share(TaskContext.getPartitionId(), sorted.first(), s, d, Arrays.copyOf(p, m)))
          .iterator();
    }
  }

  /**
   * Executor side of {@link #inMemory}, in one task: the shares' ids numbered in id order together
   * ({@link IdOrder}), edges ordered by source with a counting sort (Propagation.run then groups
   * them by destination, stably, so each rank sums its in-edges in source order), CSR propagation,
   * ids back. Whatever order the rows and shares arrive in, every rank is summed in the same order:
   * the same bits on every run. That takes one edge per (src, dst), as the graph builds them;
   * duplicates of a pair are summed in the order they arrive.
   */
  static final class InMemoryRank implements FlatMapFunction<Iterator<Share>, Row> {
    private final Settings s;

    InMemoryRank(Settings s) {
      this.s = s;
    }

    @Override
    public Iterator<Row> call(Iterator<Share> shares) {
      List<Share> all = new ArrayList<>();
      shares.forEachRemaining(all::add);
      // In partition order, as they would come through coalesce(1), not in the shuffle's order.
      all.sort(Comparator.comparingInt(Share::partition));
      int m = all.stream().mapToInt(x -> x.src().length).sum();
      if (m == 0) {
        return Collections.emptyIterator();
      }
      IdOrder.Numbered ids = IdOrder.of(all);
      int[] src = new int[m];
      int[] dst = new int[m];
      double[] p = new double[m];
      int at = 0;
      for (int j = 0; j < all.size(); j++) {
        Share share = all.set(j, null); // each share freed once numbered
        int[] global = ids.numbers()[j];
        for (int k = 0; k < share.src().length; k++, at++) {
          src[at] = global[share.src()[k]];
          dst[at] = global[share.dst()[k]];
          p[at] = share.p()[k];
        }
      }
      String[] names = ids.names();
      int n = names.length;
      // By source; Propagation.run then groups them by destination, stably: (dst, src) order.
      int[] order = countingSort(n, src, m, null);
      int[] s2 = new int[m];
      int[] d2 = new int[m];
      double[] p2 = new double[m];
      for (int k = 0; k < m; k++) {
        int e = order[k];
        s2[k] = src[e];
        d2[k] = dst[e];
        p2[k] = p[e];
      }
      src = dst = order = null; // the arrays in arrival order can go before the CSR is built
      p = null;
      Propagation.Result result =
          Propagation.run(
              n, s2, d2, p2, s.damping(), s.tolerance(), s.maxIterations(), executorCores());
      double[] ranks = result.ranks();
      List<Row> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(RowFactory.create(names[i], ranks[i], result.iterations()));
      }
      return out.iterator();
    }

    /**
     * The cores of this executor (spark.executor.cores, or the machine's where it is not set, as in
     * local mode): the iterations' threads, while this one task is the stage's only task.
     */
    static int executorCores() {
      SparkEnv env = SparkEnv.get();
      int machine = Runtime.getRuntime().availableProcessors();
      return env == null ? machine : env.conf().getInt("spark.executor.cores", machine);
    }

    /** Edge indices (those of {@code within}, or 0..m-1) stably sorted by {@code key}. */
    static int[] countingSort(int n, int[] key, int m, int[] within) {
      int[] start = new int[n + 1];
      for (int e = 0; e < m; e++) {
        start[key[e] + 1]++;
      }
      for (int v = 0; v < n; v++) {
        start[v + 1] += start[v];
      }
      int[] out = new int[m];
      for (int k = 0; k < m; k++) {
        int e = within == null ? k : within[k];
        out[start[key[e]]++] = e;
      }
      return out;
    }
  }

  /**
   * A share's ids as the rows give them, one for each run of a source and one for each destination,
   * until {@link IdOrder} sorts them and numbers the distinct ones: a sort, where a hash table of
   * the distinct ids waited on memory for nearly every destination.
   */
  abstract static class Ids {
    int n;

    /** Adds the id in a row's column; its index. */
    abstract int add(InternalRow row, int column);

    /** Whether the id in a row's column is the one added as {@code id}. */
    abstract boolean sameId(InternalRow row, int column, int id);

    /** The ids numbered in id order. */
    abstract IdOrder.Sorted sort();

    /**
     * A partition's edges, numbered in id order, with its distinct ids ({@code first}) in order.
     */
    abstract Share share(int partition, int[] first, int[] src, int[] dst, double[] p);
  }

  /** Long ids. */
  static final class LongIds extends Ids {
    private long[] ids = new long[1024];

    @Override
    int add(InternalRow row, int column) {
      if (n == ids.length) {
        ids = Arrays.copyOf(ids, n * 2);
      }
      ids[n] = row.getLong(column);
      return n++;
    }

    @Override
    boolean sameId(InternalRow row, int column, int id) {
      return ids[id] == row.getLong(column);
    }

    @Override
    IdOrder.Sorted sort() {
      return IdOrder.longs(ids, n);
    }

    @Override
    Share share(int partition, int[] first, int[] src, int[] dst, double[] p) {
      long[] distinct = new long[first.length];
      Arrays.setAll(distinct, i -> ids[first[i]]);
      return new Share(partition, distinct, null, null, src, dst, p);
    }
  }

  /** String ids as UTF-8 bytes, held end to end in one array. */
  static final class Utf8Ids extends Ids {
    private byte[] bytes = new byte[1 << 16];
    private int[] ends = new int[1024];

    @Override
    int add(InternalRow row, int column) {
      UTF8String id = row.getUTF8String(column);
      int start = IdOrder.start(ends, n);
      int length = id.numBytes();
      if (start + length > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, start + length));
      }
      Platform.copyMemory(
          id.getBaseObject(),
          id.getBaseOffset(),
          bytes,
          Platform.BYTE_ARRAY_OFFSET + start,
          length);
      if (n == ends.length) {
        ends = Arrays.copyOf(ends, n * 2);
      }
      ends[n] = start + length;
      return n++;
    }

    @Override
    boolean sameId(InternalRow row, int column, int id) {
      UTF8String key = row.getUTF8String(column);
      int start = IdOrder.start(ends, id);
      return ends[id] - start == key.numBytes()
          && ByteArrayMethods.arrayEquals(
              bytes,
              Platform.BYTE_ARRAY_OFFSET + start,
              key.getBaseObject(),
              key.getBaseOffset(),
              key.numBytes());
    }

    @Override
    IdOrder.Sorted sort() {
      return IdOrder.strings(bytes, ends, n);
    }

    @Override
    Share share(int partition, int[] first, int[] src, int[] dst, double[] p) {
      int[] distinctEnds = new int[first.length];
      int size = 0;
      for (int i = 0; i < first.length; i++) {
        size += ends[first[i]] - IdOrder.start(ends, first[i]);
        distinctEnds[i] = size;
      }
      byte[] distinct = new byte[size];
      for (int i = 0; i < first.length; i++) {
        int from = IdOrder.start(ends, first[i]);
        int at = IdOrder.start(distinctEnds, i);
        System.arraycopy(bytes, from, distinct, at, ends[first[i]] - from);
      }
      return new Share(partition, null, distinct, distinctEnds, src, dst, p);
    }
  }

  /** A growable int array, to avoid boxing millions of edge ends. */
  static final class IntList {
    private int[] a = new int[1024];
    private int n;

    int[] toArray() {
      return Arrays.copyOf(a, n);
    }

    void add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }
  }

  /**
   * The same rank on {@link BlockPropagation}'s blocks: for graphs beyond one executor. String ids.
   * The mean absolute change is the convergence test, and every {@code checkpointEvery} iterations
   * the ranks are checkpointed so the plan does not grow with the iterations.
   */
  public static Dataset<Row> distributed(Dataset<Row> edges, Settings s) {
    return BlockPropagation.ranks(edges, s);
  }
}
