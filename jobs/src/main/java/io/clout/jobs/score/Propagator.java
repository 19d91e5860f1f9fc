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
import java.util.function.IntPredicate;
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
import org.apache.spark.unsafe.hash.Murmur3_x86_32;
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
   * person_id. Each core first numbers the ids of its share of the edges, reading Spark's internal
   * rows (a string id stays UTF-8 bytes); the one task then only merges those numberings, so the
   * per-edge hashing runs on every core.
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
   * Partition {@code partition}'s share of the edges with their ends numbered 0..k-1 in the order
   * first seen: the ids themselves are {@code longIds}, or the UTF-8 bytes {@code utf8} cut at
   * {@code ends}.
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
        // Edges often come grouped by source: the last source is checked before any hashing.
        last = last >= 0 && ids.sameId(r, 0, last) ? last : ids.id(r, 0);
        src.add(last);
        dst.add(ids.id(r, 1));
        if (m == p.length) {
          p = Arrays.copyOf(p, m * 2);
        }
        p[m++] = r.getDouble(2);
      }
      return List.of(
              ids.share(
                  TaskContext.getPartitionId(), src.toArray(), dst.toArray(), Arrays.copyOf(p, m)))
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
   * Numbers ids 0, 1, 2, ... in the order first seen, in an open-addressing table whose slots hold
   * an id's hash and number in one long (-1 when empty): no boxing, and a probe reads one array
   * until the hashes match. The subclass holds the ids themselves.
   */
  abstract static class Ids {
    private long[] slots = emptySlots(1 << 16);
    int n;

    /** The number of the id with this hash for which {@code sameId(number)} holds, or a new one. */
    final int number(int hash, IntPredicate sameId) {
      int mask = slots.length - 1;
      int slot = home(hash, mask);
      for (long s = slots[slot]; s != -1; s = slots[slot = (slot + 1) & mask]) {
        if ((int) (s >>> 32) == hash && sameId.test((int) s)) {
          return (int) s;
        }
      }
      slots[slot] = ((long) hash << 32) | n;
      if (++n * 2 > slots.length) {
        long[] old = slots;
        slots = emptySlots(old.length * 2);
        mask = slots.length - 1;
        for (long s : old) {
          if (s != -1) {
            int at = home((int) (s >>> 32), mask);
            while (slots[at] != -1) {
              at = (at + 1) & mask;
            }
            slots[at] = s;
          }
        }
      }
      return n - 1;
    }

    /** A hash's first slot: its bits mixed (Murmur3's finalizer), so similar hashes spread. */
    static int home(int hash, int mask) {
      int h = hash;
      h ^= h >>> 16;
      h *= 0x85ebca6b;
      h ^= h >>> 13;
      h *= 0xc2b2ae35;
      h ^= h >>> 16;
      return h & mask;
    }

    private static long[] emptySlots(int size) {
      long[] a = new long[size];
      Arrays.fill(a, -1);
      return a;
    }

    /** The number of the id in a row's column. */
    abstract int id(InternalRow row, int column);

    /** Whether the id in a row's column is the one numbered {@code number}. */
    abstract boolean sameId(InternalRow row, int column, int number);

    /** A partition's edges, numbered by this table, with the ids it holds. */
    abstract Share share(int partition, int[] src, int[] dst, double[] p);
  }

  /** Long ids. */
  static final class LongIds extends Ids {
    private long[] keys = new long[1024];

    int id(long key) {
      int before = n;
      int number = number(hash(key), i -> keys[i] == key);
      if (number == before) {
        if (n > keys.length) {
          keys = Arrays.copyOf(keys, keys.length * 2);
        }
        keys[number] = key;
      }
      return number;
    }

    /** The key's bits mixed into an int: ids that differ only in their high bits spread too. */
    static int hash(long key) {
      return Long.hashCode(key * 0x9E3779B97F4A7C15L);
    }

    long[] keys() {
      return Arrays.copyOf(keys, n);
    }

    @Override
    int id(InternalRow row, int column) {
      return id(row.getLong(column));
    }

    @Override
    boolean sameId(InternalRow row, int column, int number) {
      return keys[number] == row.getLong(column);
    }

    @Override
    Share share(int partition, int[] src, int[] dst, double[] p) {
      return new Share(partition, keys(), null, null, src, dst, p);
    }
  }

  /** String ids as UTF-8 bytes, held end to end in one array. */
  static final class Utf8Ids extends Ids {
    private byte[] bytes = new byte[1 << 16];
    private int[] ends = new int[1024];

    int id(UTF8String key) {
      return lookup(key.getBaseObject(), key.getBaseOffset(), key.numBytes());
    }

    private int lookup(Object base, long offset, int length) {
      int hash = Murmur3_x86_32.hashUnsafeBytes(base, offset, length, 42);
      int before = n;
      int number =
          number(
              hash,
              i -> {
                int start = start(i);
                return ends[i] - start == length
                    && ByteArrayMethods.arrayEquals(
                        bytes, Platform.BYTE_ARRAY_OFFSET + start, base, offset, length);
              });
      if (number == before) {
        int start = start(number);
        if (start + length > bytes.length) {
          bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, start + length));
        }
        Platform.copyMemory(base, offset, bytes, Platform.BYTE_ARRAY_OFFSET + start, length);
        if (number == ends.length) {
          ends = Arrays.copyOf(ends, ends.length * 2);
        }
        ends[number] = start + length;
      }
      return number;
    }

    private int start(int number) {
      return number == 0 ? 0 : ends[number - 1];
    }

    byte[] bytes() {
      return Arrays.copyOf(bytes, start(n));
    }

    int[] ends() {
      return Arrays.copyOf(ends, n);
    }

    @Override
    int id(InternalRow row, int column) {
      return id(row.getUTF8String(column));
    }

    @Override
    boolean sameId(InternalRow row, int column, int number) {
      UTF8String key = row.getUTF8String(column);
      int start = start(number);
      return ends[number] - start == key.numBytes()
          && ByteArrayMethods.arrayEquals(
              bytes,
              Platform.BYTE_ARRAY_OFFSET + start,
              key.getBaseObject(),
              key.getBaseOffset(),
              key.numBytes());
    }

    @Override
    Share share(int partition, int[] src, int[] dst, double[] p) {
      return new Share(partition, null, bytes(), ends(), src, dst, p);
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
