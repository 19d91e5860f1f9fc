package io.clout.common.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RankMetricsTest {
  @Test
  void tiedValuesShareTheirAverageRank() {
    assertThat(RankMetrics.averageRanks(new double[] {10, 0, 10, 5, 0}))
        .containsExactly(4.5, 1.5, 4.5, 3, 1.5);
  }

  @Test
  void spearmanIsOneForAnyIncreasingMapAndMinusOneReversed() {
    double[] x = {1, 2, 3, 4, 5};
    assertThat(RankMetrics.spearman(x, new double[] {1, 8, 27, 64, 125}))
        .isEqualTo(1.0, within(1e-12));
    assertThat(RankMetrics.spearman(x, new double[] {9, 7, 5, 3, 1}))
        .isEqualTo(-1.0, within(1e-12));
  }

  @Test
  void spearmanMatchesTheClassicFormulaWithoutTies() {
    // rho = 1 - 6 sum d^2 / (n (n^2 - 1)); ranks of y: 2,1,4,3,5 -> sum d^2 = 4
    assertThat(
            RankMetrics.spearman(new double[] {1, 2, 3, 4, 5}, new double[] {20, 10, 40, 30, 50}))
        .isEqualTo(1 - 6 * 4.0 / (5 * 24), within(1e-12));
  }

  @Test
  void spearmanWithTiesIsPearsonOfAverageRanks() {
    // x ranks 1.5,1.5,3,4 ; y ranks 1,2,3.5,3.5; hand-computed Pearson of those = 4 / 4.5
    double rho = RankMetrics.spearman(new double[] {0, 0, 1, 2}, new double[] {1, 2, 3, 3});
    double mx = 2.5;
    double my = 2.5;
    double[] rx = {1.5, 1.5, 3, 4};
    double[] ry = {1, 2, 3.5, 3.5};
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < 4; i++) {
      sxy += (rx[i] - mx) * (ry[i] - my);
      sxx += (rx[i] - mx) * (rx[i] - mx);
      syy += (ry[i] - my) * (ry[i] - my);
    }
    assertThat(rho)
        .isEqualTo(sxy / Math.sqrt(sxx * syy), within(1e-12))
        .isEqualTo(4 / 4.5, within(1e-12));
    assertThat(RankMetrics.spearman(new double[] {1, 1, 1}, new double[] {1, 2, 3})).isNaN();
  }

  @Test
  void ndcgIsOneForThePerfectOrderAndPenalisesMisses() {
    double[] truth = {3, 2, 0, 1};
    assertThat(RankMetrics.ndcgAt(3, truth, truth)).isEqualTo(1.0, within(1e-12));
    // predicted order: item 2 (rel 0), item 3 (rel 1), item 0 (rel 3)
    double dcg = 0 / 1.0 + 1 / log2(3) + 3 / log2(4);
    double ideal = 3 / 1.0 + 2 / log2(3) + 1 / log2(4);
    assertThat(RankMetrics.ndcgAt(3, new double[] {0.5, 0.1, 0.9, 0.7}, truth))
        .isEqualTo(dcg / ideal, within(1e-12));
    assertThat(RankMetrics.ndcgAt(3, new double[] {1, 2}, new double[] {0, 0})).isNaN();
  }

  @Test
  void ndcgBreaksPredictionTiesByIndexOrder() {
    double[] truth = {0, 5};
    assertThat(RankMetrics.ndcgAt(1, new double[] {1, 1}, truth)).isZero();
  }

  @Test
  void medianOfOddEvenAndEmpty() {
    assertThat(RankMetrics.median(new double[] {5, 1, 3})).isEqualTo(3);
    assertThat(RankMetrics.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThat(RankMetrics.median(new double[] {})).isNaN();
  }

  static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
