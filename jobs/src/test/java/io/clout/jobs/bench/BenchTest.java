package io.clout.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.clout.common.scoring.Propagation;
import io.clout.jobs.Pipeline;
import io.clout.jobs.TestSpark;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class BenchTest {
  @Test
  void sparkCostsSumEveryStageUnderTheCloutStageThatRanIt() {
    SparkSession spark = TestSpark.spark();
    SparkContext sc = spark.sparkContext();
    try (SparkCosts costs = SparkCosts.start(sc)) {
      sc.setLocalProperty(Pipeline.STAGE_PROPERTY, "score");
      spark.range(1000).repartition(3).groupBy(col("id").mod(7)).count().collectAsList();
      sc.setLocalProperty(Pipeline.STAGE_PROPERTY, null);
      spark.range(10).collectAsList();
      Map<String, BenchResult.SparkCost> byStage = costs.byStage();
      assertThat(byStage).containsOnlyKeys("score", "other");
      BenchResult.SparkCost score = byStage.get("score");
      assertThat(score.sparkStages()).isGreaterThanOrEqualTo(2);
      assertThat(score.tasks()).isGreaterThanOrEqualTo(score.sparkStages());
      assertThat(score.shuffleWriteBytes()).isPositive();
      assertThat(score.shuffleReadBytes()).isPositive();
      assertThat(byStage.get("other").shuffleWriteBytes()).isZero();
    } finally {
      sc.setLocalProperty(Pipeline.STAGE_PROPERTY, null);
    }
  }

  @Test
  void theFloorComputesWhatPropagationComputesOnTheUnweightedForm() {
    int n = 500;
    Random rnd = new Random(3);
    int m = 4000;
    int[] src = new int[m + n];
    int[] dst = new int[m + n];
    for (int v = 0; v < n; v++) {
      src[v] = v;
      dst[v] = (v + 1) % n;
    }
    for (int e = n; e < m + n; e++) {
      src[e] = rnd.nextInt(n);
      dst[e] = (int) (n * Math.pow(rnd.nextDouble(), 3));
    }
    int[] out = new int[n];
    for (int s : src) {
      out[s]++;
    }
    double[] p = new double[src.length];
    for (int e = 0; e < src.length; e++) {
      p[e] = 1.0 / out[src[e]];
    }
    double[] expected = Propagation.run(n, src, dst, p, 0.85, 0, 20).ranks();
    double[] floor = new SingleThreadPageRank(n, src, dst).run(0.85, 20);
    for (int v = 0; v < n; v++) {
      assertThat(floor[v]).as("vertex %d", v).isCloseTo(expected[v], within(1e-9));
    }
  }

  /** A made-up machine, for what the bench writes about its machine. */
  static final BenchResult.Machine MACHINE =
      new BenchResult.Machine(2, 1L << 34, 1L << 32, "jvm", "os", "4.2.0", Map.of(), 3L << 30);

  /** A measured result as the bench would write it, on a made-up machine. */
  static BenchResult sample(BenchResult.Machine machine) {
    return sample(machine, List.of(), List.of());
  }

  /** The same, with these workloads and judged targets. */
  static BenchResult sample(
      BenchResult.Machine machine,
      List<BenchResult.Workload> workloads,
      List<BenchResult.Target> targets) {
    BenchResult.Graph g = new BenchResult.Graph(10, 20, 20, 0.85);
    return new BenchResult(
        "quick",
        machine,
        new BenchResult.VsGraphx(0.4, 1, 1, 2.5, 2, Map.of("2", 2.5), 1e-9, g),
        new BenchResult.VsSingleThread(7.5, 1, 12.5, 9.1, 0.13, 0.1, 0.03, 0.2, 3, 1e-9, g),
        310_000L,
        250_000L,
        new BenchResult.IngestCold(1000, 1.0, 1000),
        new BenchResult.Scaling(12.0, 100_000, 1_000_000, 10.0),
        5L << 30,
        workloads,
        targets,
        new BenchResult.Distributed(2.25, 20, 1e-10),
        0.8,
        0.6,
        6.0,
        1.5,
        2.5,
        9.1,
        0.9);
  }

  @Test
  void targetsAreJudgedOnTheMeasuredRatiosAndUnmetOnesSayWhy() {
    BenchResult result = sample(null);
    List<BenchResult.Target> t = BenchReport.targets(result);
    assertThat(t)
        .extracting(BenchResult.Target::met)
        .containsExactly(
            true, false, true, false, false, false, true, false, true, false, false, true, false);
    assertThat(t.get(1).whyNot()).contains("12.50 s (9.10x the floor)");
    assertThat(t.get(0).whyNot()).isNull();
    assertThat(t.get(3).target()).contains("<= 11.0x");
    assertThat(t.get(5).target()).contains("warm ingest >= 1.0x");
    assertThat(t.get(5).measured()).isEqualTo(0.8);
    assertThat(t.stream().filter(x -> !x.met()).map(BenchResult.Target::whyNot))
        .doesNotContainNull();
    // Ingest's reasons are its own; the daily run's (and score's, moments') point to the report's
    // one explanation.
    assertThat(t.get(5).whyNot()).contains("ingest-performance.md").doesNotContain("person-id");
    assertThat(t.get(7).target()).startsWith("daily run");
    assertThat(t.get(7).whyNot()).contains("Where the time goes");
  }

  @Test
  void theReportExplainsWhereTheDayGoesOnce() {
    BenchResult.Workload measured =
        new BenchResult.Workload(
            100_000,
            15_000,
            100_000,
            1,
            2,
            3,
            4,
            9,
            50_000,
            99_000,
            90_000,
            1.5,
            66_000,
            1L << 30,
            1L << 29,
            1L << 31,
            0.5,
            200_000,
            Map.of("score", new BenchResult.SparkCost(47, 500, 12.5, 1, 1, 1, 1)));
    for (List<BenchResult.Workload> workloads :
        List.of(List.<BenchResult.Workload>of(), List.of(measured))) {
      String md =
          BenchReport.markdown(
              sample(MACHINE, workloads, BenchReport.targets(sample(null, workloads, List.of()))));
      assertThat(md.split(java.util.regex.Pattern.quote(BenchReport.WHERE_THE_DAY_GOES), -1))
          .as("the explanation, once, with %d workloads", workloads.size())
          .hasSize(2);
      assertThat(md).contains("### Where the time goes");
      // With a measured workload the per-stage table comes first, then the explanation.
      assertThat(md.contains("| score | 47 | 500 |")).isEqualTo(!workloads.isEmpty());
      assertThat(md).contains("**moments <= 2x the plain write's time** not met");
    }
  }

  @Test
  void benchJsonKeepsItsSnakeCaseKeys() throws Exception {
    BenchResult r = sample(MACHINE);
    var json = io.clout.jobs.Reports.JSON.readTree(io.clout.jobs.Reports.toJson(r));
    assertThat(
            json.path("propagation_vs_graphx").path("graphx_s_by_partitions").path("2").asDouble())
        .isEqualTo(2.5);
    assertThat(json.path("scaling_10m_over_1m").path("size_ratio").asDouble()).isEqualTo(10.0);
    assertThat(json.path("propagation_vs_single_thread").path("clout_string_ids_s").asDouble())
        .isEqualTo(12.5);
    assertThat(json.path("ingest_plain_json_to_delta_events_per_s").asLong()).isEqualTo(250_000L);
    // Issue #18's ratios, one top-level number each.
    assertThat(json.path("ingest_vs_plain_write").asDouble()).isEqualTo(0.8);
    assertThat(json.path("ingest_cold_vs_plain_write").asDouble()).isEqualTo(0.6);
    assertThat(json.path("daily_vs_plain_write").asDouble()).isEqualTo(6.0);
    assertThat(json.path("score_vs_plain_write").asDouble()).isEqualTo(1.5);
    assertThat(json.path("moments_vs_plain_write").asDouble()).isEqualTo(2.5);
    assertThat(json.path("propagation_daily_ids_vs_single_thread").asDouble()).isEqualTo(9.1);
    assertThat(json.path("distributed_vs_graphx").asDouble()).isEqualTo(0.9);
    assertThat(json.path("distributed_propagation").path("seconds").asDouble()).isEqualTo(2.25);
    assertThat(io.clout.jobs.Reports.JSON.treeToValue(json, BenchResult.class)).isEqualTo(r);
    // The daily workloads come back from their own JVM as days.json.
    BenchResult.Workload w =
        new BenchResult.Workload(
            1000,
            150,
            1005,
            0.5,
            2.0,
            3.0,
            4.0,
            9.5,
            502,
            990,
            700,
            1.5,
            670,
            1L << 30,
            2L << 30,
            3L << 30,
            0.7,
            1435,
            Map.of("score", new BenchResult.SparkCost(12, 40, 3.5, 1, 2, 3, 4)));
    BenchResult.Days days = new BenchResult.Days(3L << 30, List.of(w));
    assertThat(
            io.clout.jobs.Reports.JSON.readValue(
                io.clout.jobs.Reports.toJson(days), BenchResult.Days.class))
        .isEqualTo(days);
  }
}
