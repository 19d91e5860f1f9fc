package io.clout.jobs.bench;

import java.util.Arrays;

/**
 * The floor the benchmark compares propagation with: unweighted PageRank with a constant teleport,
 * one thread, int arrays, CSR by destination. It lives here, in the benchmark only, so nothing in
 * the product depends on it.
 */
final class SingleThreadPageRank {
  private final int n;
  private final int[] offsets;
  private final int[] inSrc;
  private final double[] invOutDegree;

  /** Builds the CSR arrays from an edge list over vertices 0..n-1. */
  SingleThreadPageRank(int n, int[] src, int[] dst) {
    this.n = n;
    offsets = new int[n + 1];
    int[] outDegree = new int[n];
    for (int e = 0; e < src.length; e++) {
      offsets[dst[e] + 1]++;
      outDegree[src[e]]++;
    }
    for (int v = 0; v < n; v++) {
      offsets[v + 1] += offsets[v];
    }
    int[] fill = offsets.clone();
    inSrc = new int[src.length];
    for (int e = 0; e < src.length; e++) {
      inSrc[fill[dst[e]]++] = src[e];
    }
    invOutDegree = new double[n];
    for (int v = 0; v < n; v++) {
      invOutDegree[v] = outDegree[v] == 0 ? 0 : 1.0 / outDegree[v];
    }
  }

  /**
   * r(v) = (1 - d) + d * sum over in-edges u->v of r(u) / outdeg(u), from r = 1, for a fixed count.
   */
  double[] run(double damping, int iterations) {
    double[] rank = new double[n];
    double[] contribution = new double[n];
    Arrays.fill(rank, 1.0);
    for (int it = 0; it < iterations; it++) {
      for (int v = 0; v < n; v++) {
        contribution[v] = rank[v] * invOutDegree[v];
      }
      for (int v = 0; v < n; v++) {
        double sum = 0;
        for (int k = offsets[v]; k < offsets[v + 1]; k++) {
          sum += contribution[inSrc[k]];
        }
        rank[v] = (1 - damping) + damping * sum;
      }
    }
    return rank;
  }
}
