package io.clout.jobs.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import io.clout.jobs.Reports;
import io.clout.jobs.Tables;
import io.clout.jobs.TestSpark;
import io.clout.jobs.generate.Generator;
import io.clout.jobs.window.InteractionWindow;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluation over three generated days. Its figures are checked against independent computations:
 * Spark SQL for the ranks and the held-out truth, the scores table for in-degree.
 */
class EvaluationTest {
  static final LocalDate FROM = LocalDate.parse("2026-04-01");
  static final LocalDate TO = FROM.plusDays(2);
  @TempDir static Path tmp;
  static SparkSession spark;
  static CloutConfig config;
  static Evaluation.Result result;
  static String printed;

  @BeforeAll
  static void evaluate() throws Exception {
    spark = TestSpark.spark();
    Generator.generate(new Generator.Params(150, 3, FROM, 5, 0.0), tmp.resolve("raw"));
    config =
        ConfigLoader.load(
            null,
            Map.of(
                "paths.raw",
                tmp.resolve("raw").toString(),
                "paths.warehouse",
                tmp.resolve("wh").toString(),
                "scoring.model-version",
                "clout-1"),
            Map.of());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    result =
        Evaluation.run(
            spark,
            config,
            FROM,
            TO,
            tmp.resolve("out").toString(),
            new PrintStream(out, true, "UTF-8"));
    printed = out.toString("UTF-8");
  }

  static Dataset<Row> frame(LocalDate d) {
    Dataset<Row> scores = spark.read().format("delta").load(Tables.path(config, Tables.SCORES));
    Dataset<Row> engagements = Tables.read(spark, config, Tables.ENGAGEMENTS);
    Dataset<Row> identities = Tables.read(spark, config, Tables.IDENTITIES);
    // Left cached for the test's later queries of the frame; the test JVM ends soon after.
    InteractionWindow window = InteractionWindow.of(engagements, identities, d, config.scoring());
    return Evaluation.frame(window, engagements, identities, scores, TO, config.scoring());
  }

  @Test
  void inDegreeIsTheScoresTablesEngagersAndTruthIsTheNextDaysEngagementsReceived() {
    frame(FROM).createOrReplaceTempView("eval_frame");
    spark
        .read()
        .format("delta")
        .load(Tables.path(config, Tables.SCORES))
        .createOrReplaceTempView("eval_scores");
    spark
        .read()
        .format("delta")
        .load(Tables.path(config, Tables.ENGAGEMENTS))
        .createOrReplaceTempView("eval_engagements");
    spark
        .read()
        .format("delta")
        .load(Tables.path(config, Tables.IDENTITIES))
        .createOrReplaceTempView("eval_identities");
    assertThat(
            spark
                .sql(
                    "SELECT count(*) FROM eval_frame f JOIN eval_scores s ON s.person_id = f.person_id AND s.score_date = DATE'"
                        + FROM
                        + "' WHERE f.in_degree <> s.engagers")
                .first()
                .getLong(0))
        .isZero();
    assertThat(
            spark
                .sql("SELECT count(*) FROM eval_frame WHERE engagement_count < in_degree")
                .first()
                .getLong(0))
        .isZero();
    // The truth, by plain SQL: engagements of the next day aimed at someone else, by person,
    // however late they were delivered within the evaluated range.
    String next = FROM.plusDays(1).toString();
    List<Row> diff =
        spark
            .sql(
                """
        WITH e AS (
          SELECT coalesce(a.person_id, e.network || ':' || e.actor_id) actor, coalesce(t.person_id, e.network || ':' || e.target_id) target
          FROM eval_engagements e
          LEFT JOIN eval_identities a ON a.network = e.network AND a.account_id = e.actor_id
          LEFT JOIN eval_identities t ON t.network = e.network AND t.account_id = e.target_id
          WHERE e.event_date = DATE'%s' AND e.ingest_date <= DATE'%s' AND e.type <> 'post' AND e.target_id IS NOT NULL)
        SELECT f.person_id, f.truth, coalesce(n.c, 0) expected FROM eval_frame f
        LEFT JOIN (SELECT target, count(*) c FROM e WHERE actor <> target GROUP BY target) n ON n.target = f.person_id
        WHERE f.truth <> coalesce(n.c, 0)"""
                    .formatted(next, TO))
            .collectAsList();
    assertThat(diff).isEmpty();
    assertThat(spark.sql("SELECT sum(truth) FROM eval_frame").first().getLong(0)).isPositive();
    // The 7-day truth: days d+1 to d+7, cut at the last evaluated day.
    List<Row> week =
        spark
            .sql(
                """
        WITH e AS (
          SELECT coalesce(a.person_id, e.network || ':' || e.actor_id) actor, coalesce(t.person_id, e.network || ':' || e.target_id) target
          FROM eval_engagements e
          LEFT JOIN eval_identities a ON a.network = e.network AND a.account_id = e.actor_id
          LEFT JOIN eval_identities t ON t.network = e.network AND t.account_id = e.target_id
          WHERE e.event_date BETWEEN DATE'%s' AND DATE'%s' AND e.ingest_date <= DATE'%s'
            AND e.type <> 'post' AND e.target_id IS NOT NULL)
        SELECT f.person_id, f.truth_7d, coalesce(n.c, 0) expected FROM eval_frame f
        LEFT JOIN (SELECT target, count(*) c FROM e WHERE actor <> target GROUP BY target) n ON n.target = f.person_id
        WHERE f.truth_7d <> coalesce(n.c, 0)"""
                    .formatted(next, TO, TO))
            .collectAsList();
    assertThat(week).isEmpty();
    assertThat(spark.sql("SELECT count_if(truth_7d > truth) FROM eval_frame").first().getLong(0))
        .isPositive();
  }

  @Test
  void spearmanEqualsSparkCorrelationOfAverageRanks() {
    Dataset<Row> f = frame(FROM);
    f.createOrReplaceTempView("eval_frame2");
    for (String k : Evaluation.PREDICTORS) {
      double sql =
          spark
              .sql(
                  ("""
          SELECT corr(rx, ry) FROM (
            SELECT rank() OVER (ORDER BY %1$s) + (count(*) OVER (PARTITION BY %1$s) - 1) / 2.0 rx,
                   rank() OVER (ORDER BY truth) + (count(*) OVER (PARTITION BY truth) - 1) / 2.0 ry
            FROM eval_frame2)""")
                      .formatted(k))
              .first()
              .getDouble(0);
      assertThat(result.metrics().get(k).spearmanPerDay().get(0))
          .as(k)
          .isEqualTo(sql, within(1e-9));
    }
  }

  @Test
  void reportsEveryPredictorPerDayAndTheirMeanInEvaluationJson() throws Exception {
    JsonNode j = Reports.JSON.readTree(tmp.resolve("out/evaluation.json").toFile());
    assertThat(j.path("days")).hasSize(2);
    for (String k : List.of("score", "in_degree", "engagement_count", "pagerank")) {
      JsonNode m = j.path(k);
      assertThat(m.path("spearman_per_day")).hasSize(2);
      assertThat(m.path("ndcg_at_100_per_day")).hasSize(2);
      double mean =
          (m.path("spearman_per_day").get(0).asDouble()
                  + m.path("spearman_per_day").get(1).asDouble())
              / 2;
      assertThat(m.path("spearman").asDouble()).isEqualTo(mean, within(1e-12)).isBetween(-1.0, 1.0);
      assertThat(m.path("ndcg_at_100").asDouble()).isBetween(0.0, 1.0);
      assertThat(printed).contains(k);
    }
    for (String k : List.of("score", "in_degree", "engagement_count", "pagerank")) {
      JsonNode m = j.path("horizon_7d").path(k);
      assertThat(m.path("spearman_per_day")).hasSize(2);
      assertThat(m.path("ndcg_at_100").asDouble()).isBetween(0.0, 1.0);
    }
    for (String k :
        List.of(
            "reciprocal_ring",
            "one_way_ring",
            "mass_mentioner",
            "high_volume_poster",
            "like_farm")) {
      assertThat(j.path("gaming").path(k).isNumber()).as(k).isTrue();
    }
    assertThat(j.path("stability").path("person_days").asLong()).isPositive();
    assertThat(j.path("parameters").path("scoring.damping").asText()).isNotEmpty();
  }

  @Test
  void theCheckNamesEveryComparisonTheScoreDoesNotWin() {
    // Count the comparisons the score loses or ties, from the figures themselves.
    long expected = 0;
    for (Map<String, Evaluation.Metric> h : List.of(result.metrics(), result.horizon7d())) {
      Evaluation.Metric s = h.get("score");
      for (String k : List.of("in_degree", "engagement_count", "pagerank")) {
        expected += s.spearman() > h.get(k).spearman() ? 0 : 1;
        expected += s.ndcgAt100() > h.get(k).ndcgAt100() ? 0 : 1;
      }
    }
    List<String> shortfalls = Evaluation.shortfalls(result);
    assertThat(shortfalls.stream().filter(f -> !f.startsWith("gaming")).count())
        .isEqualTo(expected);
    // clout-1 trails the counts on generated data (docs/evaluation.md): the check must say so.
    assertThat(shortfalls).anyMatch(f -> f.contains("engagement_count"));
    Evaluation.Result better =
        new Evaluation.Result(
            result.from(),
            result.to(),
            result.days(),
            result.population(),
            Map.of(
                "score", metric(1.0),
                "in_degree", metric(0.5),
                "engagement_count", metric(0.5),
                "pagerank", metric(0.5)),
            Map.of(
                "score", metric(1.0),
                "in_degree", metric(0.5),
                "engagement_count", metric(0.5),
                "pagerank", metric(0.5)),
            result.stability(),
            result.ring(),
            new Gaming.Gains(0.1, 0.1, 0.0, 0.0, 30.0),
            result.parameters());
    // The like farm is measured, not bounded: only the four bounded patterns can fail the check.
    assertThat(Evaluation.shortfalls(better)).isEmpty();
    Evaluation.Result gamed =
        new Evaluation.Result(
            better.from(),
            better.to(),
            better.days(),
            better.population(),
            better.metrics(),
            better.horizon7d(),
            better.stability(),
            better.ring(),
            new Gaming.Gains(2.5, 0.1, 0.6, 0.0, 0.0),
            better.parameters());
    assertThat(Evaluation.shortfalls(gamed))
        .containsExactly(
            "gaming: reciprocal ring gains +2.50 points, more than 2.0",
            "gaming: mass-mentioner gains +0.60 points, more than 0.5");
  }

  static Evaluation.Metric metric(double v) {
    return new Evaluation.Metric(v, v, List.of(v), List.of(v));
  }

  @Test
  void anInjectedRingGainsAtMostTwoPointsOverHonestAccountsOfEqualActivity() {
    Evaluation.Ring ring = result.ring();
    assertThat(ring.day()).isEqualTo(TO.toString());
    assertThat(ring.ringMeanScore()).isGreaterThanOrEqualTo(1);
    assertThat(ring.honestMeanScore()).isGreaterThanOrEqualTo(1);
    assertThat(ring.gain())
        .isEqualTo(ring.ringMeanScore() - ring.honestMeanScore())
        .isLessThanOrEqualTo(2.0);
  }

  @Test
  void theGamingCatalogIsMeasuredAgainstHonestComparisons() {
    Gaming.Gains g = result.gaming();
    assertThat(g.reciprocalRing()).isEqualTo(result.ring().gain());
    // The model's own bounds on its gaming catalog (docs/evaluation.md).
    assertThat(g.reciprocalRing()).isLessThanOrEqualTo(2.0);
    assertThat(g.highVolumePoster()).isLessThanOrEqualTo(0.5);
    // Measured, whatever the model: the like farm lifts its target above an account nobody
    // engaged with, and a one-way ring gains something over accounts that form no loop.
    assertThat(g.likeFarm()).isPositive();
    assertThat(g.oneWayRing()).isNotNaN();
    assertThat(g.massMentioner()).isNotNaN();
    assertThat(printed).contains("gaming gains (points)").contains("(next 7 days)");
  }
}
