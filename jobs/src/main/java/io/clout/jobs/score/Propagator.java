package io.clout.jobs.score;

import static org.apache.spark.sql.functions.col;

import io.clout.common.scoring.Propagation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.encoders.RowEncoder;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

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
   * All edges into one partition, ranked there with arrays: the fast path for graphs that fit. Ids
   * may be strings or longs; long ids (already numbered, as GraphX wants them) skip hashing
   * strings, and come back as their decimal text in person_id.
   */
  public static Dataset<Row> inMemory(Dataset<Row> edges, Settings s) {
    return edges
        .select(col("src"), col("dst"), col("p"))
        .coalesce(1)
        .mapPartitions(new InMemoryRank(s), RowEncoder.encoderFor(RANKS));
  }

  /**
   * Executor side of {@link #inMemory}: ids to dense ints numbered in id order, edges ordered by
   * (dst, src) with two counting sorts, CSR propagation, ids back. Whatever order the rows arrive
   * in, every rank is summed in the same order: the same bits on every run.
   */
  static final class InMemoryRank implements MapPartitionsFunction<Row, Row> {
    private final Settings s;

    InMemoryRank(Settings s) {
      this.s = s;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Index index = null;
      IntList src = new IntList();
      IntList dst = new IntList();
      double[] p = new double[1024];
      int m = 0;
      while (rows.hasNext()) {
        Row r = rows.next();
        if (index == null) {
          index = r.get(0) instanceof Long ? new LongIndex() : new StringIndex();
        }
        src.add(index.id(r, 0));
        dst.add(index.id(r, 1));
        if (m == p.length) {
          p = Arrays.copyOf(p, m * 2);
        }
        p[m++] = r.getDouble(2);
      }
      if (index == null) {
        return Collections.emptyIterator();
      }
      int[] relabel = index.relabelInIdOrder();
      int n = relabel.length;
      int[] order = orderByDstThenSrc(n, src.a, dst.a, m, relabel);
      int[] s2 = new int[m];
      int[] d2 = new int[m];
      double[] p2 = new double[m];
      for (int k = 0; k < m; k++) {
        int e = order[k];
        s2[k] = relabel[src.a[e]];
        d2[k] = relabel[dst.a[e]];
        p2[k] = p[e];
      }
      Propagation.Result result =
          Propagation.run(n, s2, d2, p2, s.damping(), s.tolerance(), s.maxIterations());
      double[] ranks = result.ranks();
      List<Row> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(RowFactory.create(index.name(i), ranks[i], result.iterations()));
      }
      return out.iterator();
    }

    /**
     * Edge indices sorted by (relabelled dst, relabelled src): a stable counting sort on each key.
     */
    static int[] orderByDstThenSrc(int n, int[] src, int[] dst, int m, int[] relabel) {
      int[] bySrc = countingSort(n, src, m, relabel, null);
      return countingSort(n, dst, m, relabel, bySrc);
    }

    /**
     * Edge indices (those of {@code within}, or 0..m-1) stably sorted by {@code key}, read through
     * {@code relabel} when there is one.
     */
    static int[] countingSort(int n, int[] key, int m, int[] relabel, int[] within) {
      int[] start = new int[n + 1];
      for (int e = 0; e < m; e++) {
        start[(relabel == null ? key[e] : relabel[key[e]]) + 1]++;
      }
      for (int v = 0; v < n; v++) {
        start[v + 1] += start[v];
      }
      int[] out = new int[m];
      for (int k = 0; k < m; k++) {
        int e = within == null ? k : within[k];
        out[start[relabel == null ? key[e] : relabel[key[e]]]++] = e;
      }
      return out;
    }
  }

  /** Numbers ids in the order they are first seen, then gives each its place in id order. */
  interface Index {
    int id(Row r, int column);

    /**
     * relabel[first-seen number] = position in sorted id order; afterwards {@link #name} reads by
     * position.
     */
    int[] relabelInIdOrder();

    String name(int position);
  }

  private static final class StringIndex implements Index {
    private final Map<String, Integer> index = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private String[] sorted;

    @Override
    public int id(Row r, int column) {
      String name = r.getString(column);
      Integer i = index.get(name);
      if (i == null) {
        i = names.size();
        index.put(name, i);
        names.add(name);
      }
      return i;
    }

    @Override
    public int[] relabelInIdOrder() {
      sorted = names.toArray(new String[0]);
      Arrays.sort(sorted);
      index.clear();
      for (int i = 0; i < sorted.length; i++) {
        index.put(sorted[i], i);
      }
      int[] relabel = new int[sorted.length];
      for (int i = 0; i < sorted.length; i++) {
        relabel[i] = index.get(names.get(i));
      }
      return relabel;
    }

    @Override
    public String name(int position) {
      return sorted[position];
    }
  }

  /**
   * Long ids in an open-addressing table: no boxing, no string hashing. A slot holds the id's
   * number (-1 when empty), and the id itself is {@code seen[number]}.
   */
  static final class LongIndex implements Index {
    private int[] slots = emptySlots(1 << 16);
    private long[] seen = new long[1024];
    private int n;
    private long[] sorted;

    @Override
    public int id(Row r, int column) {
      long key = r.getLong(column);
      int slot = slotOf(key);
      if (slots[slot] >= 0) {
        return slots[slot];
      }
      if (n == seen.length) {
        seen = Arrays.copyOf(seen, n * 2);
      }
      seen[n] = key;
      slots[slot] = n++;
      if (n * 2 > slots.length) {
        slots = emptySlots(slots.length * 2);
        for (int i = 0; i < n; i++) {
          slots[slotOf(seen[i])] = i;
        }
      }
      return n - 1;
    }

    /** The slot holding {@code key}, or the empty slot where it belongs. */
    private int slotOf(long key) {
      int mask = slots.length - 1;
      int slot = Long.hashCode(key * 0x9E3779B97F4A7C15L) & mask;
      while (slots[slot] >= 0 && seen[slots[slot]] != key) {
        slot = (slot + 1) & mask;
      }
      return slot;
    }

    private static int[] emptySlots(int size) {
      int[] a = new int[size];
      Arrays.fill(a, -1);
      return a;
    }

    @Override
    public int[] relabelInIdOrder() {
      sorted = Arrays.copyOf(seen, n);
      Arrays.sort(sorted);
      int[] relabel = new int[n];
      for (int i = 0; i < n; i++) {
        relabel[i] = Arrays.binarySearch(sorted, seen[i]);
      }
      slots = null;
      return relabel;
    }

    @Override
    public String name(int position) {
      return Long.toString(sorted[position]);
    }
  }

  /** A growable int array, to avoid boxing millions of edge ends. */
  static final class IntList {
    private int[] a = new int[1024];
    private int n;

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
