package io.clout.common.scoring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * Weighted PageRank with a constant teleport per node: r(v) = (1 - d) + d * sum over in-edges u->v
 * of p(u,v) * r(u), starting from r = 1. The transition weights p(u,.) of a node sum to at most 1;
 * what is missing (a dangling node, discounted weight) is not spread over the graph, so a node's
 * rank depends only on the nodes that reach it. Pure Java over arrays (CSR by destination): the
 * in-memory path of the Spark job and the reference of the distributed one. An iteration can run
 * its ranges of destinations on several threads; each destination's sum, and the iteration's total
 * change, are taken in the same order as in one sequential pass, so the ranks, the change and the
 * iteration count have the same bits however many threads run.
 */
public final class Propagation {
  /** In-edges per range of destinations that the iterations run in parallel. */
  static final int CHUNK_EDGES = 1 << 17;

  private Propagation() {}

  /** The ranks, how many iterations ran and the mean absolute change of the last one. */
  public record Result(double[] ranks, int iterations, double lastMeanChange) {}

  /** {@link #run(int, int[], int[], double[], double, double, int, int)} in one thread. */
  public static Result run(
      int n,
      int[] src,
      int[] dst,
      double[] p,
      double damping,
      double tolerance,
      int maxIterations) {
    return run(n, src, dst, p, damping, tolerance, maxIterations, 1);
  }

  /**
   * @param n number of nodes, ids 0..n-1
   * @param src edge sources
   * @param dst edge destinations
   * @param p edge transition weights
   * @param tolerance stop when the mean absolute change of an iteration is below it (0: never)
   * @param threads how many threads an iteration's ranges of destinations run on
   */
  public static Result run(
      int n,
      int[] src,
      int[] dst,
      double[] p,
      double damping,
      double tolerance,
      int maxIterations,
      int threads) {
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
    Arrays.fill(rank, 1.0);
    int it = 0;
    double meanChange = Double.NaN;
    int[] bounds = chunks(offsets, CHUNK_EDGES);
    ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads) : null;
    try {
      while (it < maxIterations) {
        double[] from = rank;
        double[] to = next;
        if (pool == null) {
          pull(offsets, inSrc, inP, from, damping, to, 0, n);
        } else {
          List<Callable<Object>> ranges = new ArrayList<>();
          for (int c = 0; c + 1 < bounds.length; c++) {
            int lo = bounds[c];
            int hi = bounds[c + 1];
            ranges.add(
                Executors.callable(() -> pull(offsets, inSrc, inP, from, damping, to, lo, hi)));
          }
          for (Future<Object> done : pool.invokeAll(ranges)) {
            done.get();
          }
        }
        double change = change(from, to);
        rank = to;
        next = from;
        it++;
        meanChange = n == 0 ? 0 : change / n;
        if (meanChange < tolerance) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Propagation interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Propagation failed", e.getCause());
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
    return new Result(rank, it, meanChange);
  }

  /**
   * Destination ranges of about {@code chunkEdges} in-edges each (at least one destination), in
   * order: {@code bounds[c]..bounds[c+1]-1}.
   */
  static int[] chunks(int[] offsets, int chunkEdges) {
    int n = offsets.length - 1;
    IntStream.Builder b = IntStream.builder().add(0);
    int v = 0;
    while (v < n) {
      long end = (long) offsets[v] + chunkEdges;
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
   * (the same array when all ranks live in one place). Returns the total absolute change, summed
   * over the destinations in order. The distributed path calls it on each block, so both paths sum
   * in the same way.
   */
  public static double step(
      int[] offsets,
      int[] inSrc,
      double[] inP,
      double[] from,
      double[] previous,
      double damping,
      double[] next) {
    pull(offsets, inSrc, inP, from, damping, next, 0, next.length);
    return change(previous, next);
  }

  /** next(v) for destinations {@code lo..hi-1}: each sums its in-edges in CSR order. */
  static void pull(
      int[] offsets,
      int[] inSrc,
      double[] inP,
      double[] from,
      double damping,
      double[] next,
      int lo,
      int hi) {
    double teleport = 1 - damping;
    for (int v = lo; v < hi; v++) {
      double sum = 0;
      for (int k = offsets[v]; k < offsets[v + 1]; k++) {
        sum += inP[k] * from[inSrc[k]];
      }
      next[v] = teleport + damping * sum;
    }
  }

  /** The total absolute change from {@code previous} to {@code next}, in node order. */
  static double change(double[] previous, double[] next) {
    double change = 0;
    for (int v = 0; v < next.length; v++) {
      change += Math.abs(next[v] - previous[v]);
    }
    return change;
  }
}
