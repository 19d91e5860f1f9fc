package io.clout.common.scoring;

import java.util.HashMap;
import java.util.Map;

/**
 * A deliberately plain reference: maps and the textbook update, one edge at a time, pushing from
 * sources rather than pulling into destinations as {@link Propagation} does.
 */
final class NaivePageRank {
  private NaivePageRank() {}

  static Map<Integer, Double> run(
      int n, int[] src, int[] dst, double[] p, double d, int iterations) {
    Map<Integer, Double> rank = new HashMap<>();
    for (int v = 0; v < n; v++) {
      rank.put(v, 1.0);
    }
    for (int i = 0; i < iterations; i++) {
      Map<Integer, Double> next = new HashMap<>();
      for (int v = 0; v < n; v++) {
        next.put(v, 1 - d);
      }
      for (int e = 0; e < src.length; e++) {
        next.merge(dst[e], d * p[e] * rank.get(src[e]), Double::sum);
      }
      rank = next;
    }
    return rank;
  }
}
