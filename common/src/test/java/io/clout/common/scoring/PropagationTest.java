package io.clout.common.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PropagationTest {
  static final double D = 0.85;

  @Test
  void aTwoCycleConvergesToOneEach() {
    // r = 0.15 + 0.85 r  =>  r = 1 for both, and it starts there.
    Propagation.Result r =
        Propagation.run(2, new int[] {0, 1}, new int[] {1, 0}, new double[] {1, 1}, D, 1e-12, 100);
    assertThat(r.ranks()).containsExactly(new double[] {1.0, 1.0}, within(1e-12));
    assertThat(r.iterations()).isEqualTo(1);
  }

  @Test
  void aChainIntoADanglingNodeHandComputed() {
    // 0 -> 1 -> 2, 2 dangling. Fixed point: r0 = 0.15, r1 = 0.15 + 0.85*0.15 = 0.2775,
    // r2 = 0.15 + 0.85*0.2775 = 0.385875. The dangling mass of 2 goes nowhere.
    Propagation.Result r =
        Propagation.run(3, new int[] {0, 1}, new int[] {1, 2}, new double[] {1, 1}, D, 1e-15, 100);
    assertThat(r.ranks()).containsExactly(new double[] {0.15, 0.2775, 0.385875}, within(1e-12));
  }

  @Test
  void aStarWithSplitWeightsHandComputed() {
    // 0 splits 0.25/0.75 to 1 and 2; 1 and 2 point back to 0.
    // r0 = 0.15 + 0.85 (r1 + r2); r1 = 0.15 + 0.85*0.25 r0; r2 = 0.15 + 0.85*0.75 r0.
    // => r0 = 0.15 + 0.85 (0.3 + 0.85 r0)  =>  r0 = 0.405 / 0.2775 = 1.459459...
    Propagation.Result r =
        Propagation.run(
            3,
            new int[] {0, 0, 1, 2},
            new int[] {1, 2, 0, 0},
            new double[] {0.25, 0.75, 1, 1},
            D,
            1e-15,
            1000);
    double r0 = 0.405 / 0.2775;
    assertThat(r.ranks()[0]).isCloseTo(r0, within(1e-9));
    assertThat(r.ranks()[1]).isCloseTo(0.15 + 0.85 * 0.25 * r0, within(1e-9));
    assertThat(r.ranks()[2]).isCloseTo(0.15 + 0.85 * 0.75 * r0, within(1e-9));
  }

  @Test
  void matchesTheNaiveReferenceOnRandomWeightedGraphs() {
    Random rnd = new Random(3);
    for (int g = 0; g < 20; g++) {
      int n = 2 + rnd.nextInt(60);
      int m = rnd.nextInt(4 * n);
      int[] src = new int[m];
      int[] dst = new int[m];
      double[] p = new double[m];
      for (int e = 0; e < m; e++) {
        src[e] = rnd.nextInt(n);
        dst[e] = rnd.nextInt(n);
        p[e] = rnd.nextDouble() / 4; // sub-stochastic on average, as after the discounts
      }
      Propagation.Result fast = Propagation.run(n, src, dst, p, D, 0, 25);
      Map<Integer, Double> naive = NaivePageRank.run(n, src, dst, p, D, 25);
      for (int v = 0; v < n; v++) {
        assertThat(fast.ranks()[v])
            .as("graph %d node %d", g, v)
            .isCloseTo(naive.get(v), within(1e-9));
      }
    }
  }

  @Test
  void stopsAtTheToleranceOrTheCap() {
    int[] src = {0, 1, 2};
    int[] dst = {1, 2, 0};
    double[] p = {0.5, 0.5, 0.5};
    Propagation.Result capped = Propagation.run(3, src, dst, p, D, 0, 7);
    assertThat(capped.iterations()).isEqualTo(7);
    Propagation.Result converged = Propagation.run(3, src, dst, p, D, 1e-6, 1000);
    assertThat(converged.iterations()).isLessThan(1000);
    assertThat(converged.lastMeanChange()).isLessThan(1e-6);
  }

  @Test
  void addingADisconnectedGroupChangesNoRank() {
    int[] src = {0, 1, 2, 2};
    int[] dst = {1, 2, 0, 1};
    double[] p = {1, 1, 0.5, 0.5};
    double[] alone = Propagation.run(3, src, dst, p, D, 0, 40).ranks();
    // The same graph with a denser, unrelated group of nodes 3..9 added.
    int[] src2 = {0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 9};
    int[] dst2 = {1, 2, 0, 1, 4, 5, 6, 7, 8, 9, 3, 4};
    double[] p2 = {1, 1, 0.5, 0.5, 1, 1, 1, 1, 1, 1, 0.5, 0.5};
    double[] with = Propagation.run(10, src2, dst2, p2, D, 0, 40).ranks();
    for (int v = 0; v < 3; v++) {
      assertThat(with[v]).isEqualTo(alone[v]);
    }
  }

  @Test
  void threadsChangeNoBitOfTheRanksTheChangeOrTheIterations() {
    // Several ranges of CHUNK_EDGES in-edges, and one node with more in-edges than a range holds.
    Random rnd = new Random(7);
    int n = 50_000;
    int m = 5 * Propagation.CHUNK_EDGES;
    int[] src = new int[m];
    int[] dst = new int[m];
    double[] p = new double[m];
    for (int e = 0; e < m; e++) {
      src[e] = rnd.nextInt(n);
      dst[e] = e % 3 == 0 ? 17 : rnd.nextInt(n);
      p[e] = rnd.nextDouble() / 10;
    }
    for (double tolerance : new double[] {0, 1e-4}) {
      Propagation.Result one = Propagation.run(n, src, dst, p, D, tolerance, 15, 1);
      Propagation.Result three = Propagation.run(n, src, dst, p, D, tolerance, 15, 3);
      assertThat(three.ranks()).isEqualTo(one.ranks());
      assertThat(three.lastMeanChange()).isEqualTo(one.lastMeanChange());
      assertThat(three.iterations()).isEqualTo(one.iterations());
    }
    Map<Integer, Double> naive = NaivePageRank.run(n, src, dst, p, D, 15);
    double[] ranks = Propagation.run(n, src, dst, p, D, 0, 15, 3).ranks();
    for (int v = 0; v < n; v += 97) {
      assertThat(ranks[v]).as("node %d", v).isCloseTo(naive.get(v), within(1e-9));
    }
  }

  @Test
  void rangesCoverEveryDestinationOnce() {
    // In-degrees per node; ranges of at most 4 in-edges unless one node has more.
    int[][] graphs = {
      {}, {0, 0, 0}, {4}, {9, 1, 1}, {1, 1, 1, 1, 1}, {2, 2, 0, 4, 0, 0}, {3, 0, 0, 0, 7, 0}
    };
    for (int[] inDegree : graphs) {
      int[] offsets = new int[inDegree.length + 1];
      for (int v = 0; v < inDegree.length; v++) {
        offsets[v + 1] = offsets[v] + inDegree[v];
      }
      int[] bounds = Propagation.chunks(offsets, 4);
      assertThat(bounds[0]).isZero();
      assertThat(bounds[bounds.length - 1]).isEqualTo(inDegree.length);
      for (int c = 0; c + 1 < bounds.length; c++) {
        assertThat(bounds[c + 1]).isGreaterThan(bounds[c]);
        int edges = offsets[bounds[c + 1]] - offsets[bounds[c]];
        assertThat(edges <= 4 || bounds[c + 1] - bounds[c] == 1)
            .as("%s: range %d holds %d in-edges", java.util.Arrays.toString(inDegree), c, edges)
            .isTrue();
      }
    }
    assertThat(Propagation.chunks(new int[] {0, 2, 4, 6, 8}, 4)).containsExactly(0, 2, 4);
  }
}
