package io.clout.common.scoring;

import java.util.stream.IntStream;

/**
 * Weighted PageRank with a constant teleport per node: r(v) = (1 - d) + d * sum over in-edges u->v
 * of p(u,v) * r(u), starting from r = 1. The transition weights p(u,.) of a node sum to at most 1;
 * what is missing (a dangling node, discounted weight) is not spread over the graph, so a node's
 * rank depends only on the nodes that reach it. Pure Java over arrays (CSR by destination): the
 * in-memory path of the Spark job and the reference of the distributed one. An iteration runs its
 * ranges of destinations on the common fork-join pool; each destination's sum is taken in the same
 * order as in one sequential pass, so the ranks have the same bits however many threads run.
 */
public final class Propagation {
  /** In-edges per range of destinations that the iterations run in parallel. */
  static final int CHUNK_EDGES = 1 << 17;

  private Propagation() {}

  /** The ranks, how many iterations ran and the mean absolute change of the last one. */
  public record Result(double[] ranks, int iterations, double lastMeanChange) {}

  /**
   * @param n number of nodes, ids 0..n-1
   * @param src edge sources
   * @param dst edge destinations
   * @param p edge transition weights
   * @param tolerance stop when the mean absolute change of an iteration is below it (0: never)
   */
  public static Result run(
      int n,
      int[] src,
      int[] dst,
      double[] p,
      double damping,
      double tolerance,
      int maxIterations) {
    int m = src.length;
    // CSR by destination, so each node pulls its in-edges: no write contention, sequential reads.
    int[] offsets = new int[n + 1];
    for (int e = 0; e < m; e++) {
      offsets[dst[e] + 1]++;
    }
    for (int v = 0; v < n; v++) {
      offsets[v + 1] += offsets[v];
    }
    int[] fill = offsets.clone();
    int[] inSrc = new int[m];
    double[] inP = new double[m];
    for (int e = 0; e < m; e++) {
      int at = fill[dst[e]]++;
      inSrc[at] = src[e];
      inP[at] = p[e];
    }
    double[] rank = new double[n];
    double[] next = new double[n];
    java.util.Arrays.fill(rank, 1.0);
    int it = 0;
    double meanChange = Double.NaN;
    int[] bounds = chunks(offsets);
    double[] changes = new double[bounds.length - 1];
    while (it < maxIterations) {
      double[] from = rank;
      double[] to = next;
      IntStream.range(0, changes.length)
          .parallel()
          .forEach(
              c ->
                  changes[c] =
                      step(offsets, inSrc, inP, from, from, damping, to, bounds[c], bounds[c + 1]));
      double change = 0;
      for (double x : changes) {
        change += x;
      }
      double[] t = rank;
      rank = next;
      next = t;
      it++;
      meanChange = n == 0 ? 0 : change / n;
      if (meanChange < tolerance) {
        break;
      }
    }
    return new Result(rank, it, meanChange);
  }

  /**
   * Destination ranges of about {@link #CHUNK_EDGES} in-edges each (at least one destination), in
   * order: {@code bounds[c]..bounds[c+1]-1}. They depend on the graph only, so the iterations'
   * changes are summed in the same order on any machine.
   */
  static int[] chunks(int[] offsets) {
    int n = offsets.length - 1;
    IntStream.Builder b = IntStream.builder().add(0);
    int v = 0;
    while (v < n) {
      int end = offsets[v] + CHUNK_EDGES;
      v++;
      while (v < n && offsets[v + 1] <= end) {
        v++;
      }
      b.add(v);
    }
    return b.build().toArray();
  }

  /**
   * One iteration over destinations 0..next.length-1 in CSR order: next(v) = (1 - d) + d * sum of
   * inP * from(inSrc). {@code from} holds the sources' ranks, {@code previous} v's own last rank
   * (the same array when all ranks live in one place). Returns the total absolute change. The
   * distributed path calls it on each block, so both paths sum in the same way.
   */
  public static double step(
      int[] offsets,
      int[] inSrc,
      double[] inP,
      double[] from,
      double[] previous,
      double damping,
      double[] next) {
    return step(offsets, inSrc, inP, from, previous, damping, next, 0, next.length);
  }

  /** {@link #step} over destinations {@code lo..hi-1} only. */
  static double step(
      int[] offsets,
      int[] inSrc,
      double[] inP,
      double[] from,
      double[] previous,
      double damping,
      double[] next,
      int lo,
      int hi) {
    double teleport = 1 - damping;
    double change = 0;
    for (int v = lo; v < hi; v++) {
      double sum = 0;
      for (int k = offsets[v]; k < offsets[v + 1]; k++) {
        sum += inP[k] * from[inSrc[k]];
      }
      double r = teleport + damping * sum;
      change += Math.abs(r - previous[v]);
      next[v] = r;
    }
    return change;
  }
}
