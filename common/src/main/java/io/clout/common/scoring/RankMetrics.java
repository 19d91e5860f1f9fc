package io.clout.common.scoring;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * How well one ranking predicts another: Spearman rank correlation (ties get their average rank)
 * and NDCG@k with linear gains. Pure functions over arrays; evaluation feeds them.
 */
public final class RankMetrics {
  private RankMetrics() {}

  /** Ranks 1..n, tied values sharing the average of the ranks they span. */
  public static double[] averageRanks(double[] values) {
    Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
    double[] ranks = new double[values.length];
    for (int start = 0; start < order.length; ) {
      int end = start;
      while (end + 1 < order.length && values[order[end + 1]] == values[order[start]]) {
        end++;
      }
      double average = (start + end) / 2.0 + 1;
      for (int i = start; i <= end; i++) {
        ranks[order[i]] = average;
      }
      start = end + 1;
    }
    return ranks;
  }

  /**
   * Spearman's rho: the Pearson correlation of the average ranks; NaN if either side is constant.
   */
  public static double spearman(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException(
          "spearman needs equal lengths, got " + x.length + " and " + y.length);
    }
    return pearson(averageRanks(x), averageRanks(y));
  }

  static double pearson(double[] x, double[] y) {
    int n = x.length;
    double mx = Arrays.stream(x).average().orElse(Double.NaN);
    double my = Arrays.stream(y).average().orElse(Double.NaN);
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
  }

  /**
   * NDCG@k of ranking items by {@code predicted} (highest first; ties keep index order, so callers
   * sort items by id first) against the true relevance {@code truth}, gain = relevance, discount =
   * log2(position + 1). NaN when nothing is relevant.
   */
  public static double ndcgAt(int k, double[] predicted, double[] truth) {
    double ideal = dcg(k, truth, truth);
    return ideal == 0 ? Double.NaN : dcg(k, predicted, truth) / ideal;
  }

  static double dcg(int k, double[] by, double[] truth) {
    Integer[] order = IntStream.range(0, by.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> by[i]).reversed());
    double sum = 0;
    for (int pos = 0; pos < Math.min(k, order.length); pos++) {
      sum += truth[order[pos]] / (Math.log(pos + 2) / Math.log(2));
    }
    return sum;
  }

  /** The median of the values, NaN for none. */
  public static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] s = values.clone();
    Arrays.sort(s);
    int mid = s.length / 2;
    return s.length % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  }
}
