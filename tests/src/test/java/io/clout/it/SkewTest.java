package io.clout.it;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.assertj.core.api.Assertions.assertThat;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import io.clout.jobs.Pipeline;
import io.clout.jobs.Tables;
import io.clout.jobs.TestSpark;
import io.clout.jobs.generate.Generator;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Skew at the machine's scale: on an ordinary generated day, one account likes 100,000 times and
 * one post draws 50,000 distinct engagers. The day completes in the test JVM's heap, no task takes
 * a large part of the run, the viral moment's row stays small, and the spammer earns nothing.
 */
class SkewTest {
  static final LocalDate DAY = LocalDate.parse("2026-07-01");
  static final int WHALE_LIKES = 100_000;
  static final int FANS = 50_000;
  @TempDir static Path tmp;
  static SparkSession spark;
  static CloutConfig config;
  static Pipeline.DailyReport report;
  static long runMs;
  static final AtomicLong longestTaskMs = new AtomicLong();

  static String like(String id, String actor, String target, String post) {
    return "{\"event_id\":\""
        + id
        + "\",\"network\":\"twitter\",\"type\":\"like\",\"actor_id\":\""
        + actor
        + "\",\"target_id\":\""
        + target
        + "\",\"post_id\":\""
        + post
        + "\",\"occurred_at\":\"2026-07-01T12:00:00Z\"}\n";
  }

  @BeforeAll
  static void runASkewedDay() throws Exception {
    spark = TestSpark.spark();
    Path raw = tmp.resolve("raw");
    Generator.generate(new Generator.Params(100, 1, DAY, 13, 0.0), raw);
    Path day = raw.resolve("engagement/dt=" + DAY);
    try (BufferedWriter w = Files.newBufferedWriter(day.resolve("whale.jsonl"))) {
      for (int i = 0; i < WHALE_LIKES; i++) {
        String target = "tw" + (100000 + i % 100);
        w.write(like("whale-" + i, "whale", target, "tw-post-" + (i % 5000)));
      }
    }
    try (BufferedWriter w = Files.newBufferedWriter(day.resolve("fans.jsonl"))) {
      for (int i = 0; i < FANS; i++) {
        w.write(like("fan-" + i, "fan" + i, "star", "viral"));
      }
      w.write(
          "{\"event_id\":\"viral-post\",\"network\":\"twitter\",\"type\":\"post\",\"actor_id\":"
              + "\"star\",\"post_id\":\"viral\",\"occurred_at\":\"2026-07-01T08:00:00Z\"}\n");
    }
    config =
        ConfigLoader.load(
            null,
            Map.of("paths.raw", raw.toString(), "paths.warehouse", tmp.resolve("wh").toString()),
            Map.of());
    SparkListener tasks =
        new SparkListener() {
          @Override
          public void onTaskEnd(SparkListenerTaskEnd end) {
            longestTaskMs.accumulateAndGet(end.taskInfo().duration(), Math::max);
          }
        };
    spark.sparkContext().addSparkListener(tasks);
    long t = System.nanoTime();
    try {
      report =
          Pipeline.runDay(spark, config, DAY, false, new PrintStream(new ByteArrayOutputStream()));
    } finally {
      runMs = (System.nanoTime() - t) / 1_000_000;
      spark.sparkContext().listenerBus().waitUntilEmpty();
      spark.sparkContext().removeSparkListener(tasks);
    }
    System.out.printf(
        "skew: day %d ms, longest task %d ms, %d lines%n",
        runMs, longestTaskMs.get(), report.ingest().linesRead());
  }

  @Test
  void theDayCompletesAndNoTaskHoldsUpTheRun() {
    assertThat(report.status()).isEqualTo("complete");
    assertThat(report.ingest().accepted()).isGreaterThanOrEqualTo(WHALE_LIKES + FANS);
    assertThat(longestTaskMs.get()).isLessThan(runMs / 2);
  }

  @Test
  void theViralMomentListsItsTopEngagersAndCountsThemAll() {
    List<Row> viral =
        spark
            .read()
            .format("delta")
            .load(Tables.path(config, Tables.MOMENTS))
            .where(col("post_id").equalTo("viral"))
            .collectAsList();
    assertThat(viral).hasSize(1);
    Row m = viral.get(0);
    assertThat(m.<Long>getAs("distinct_engagers")).isEqualTo((long) FANS);
    List<Row> engagers = m.getList(m.fieldIndex("engagers"));
    assertThat(engagers).hasSize(config.moments().maxEngagers());
    assertThat(engagers)
        .extracting(r -> r.<Double>getAs("score"))
        .isSortedAccordingTo((a, b) -> Double.compare(b, a));
  }

  @Test
  void likingOneHundredThousandTimesEarnsNothing() {
    Row range =
        spark
            .read()
            .format("delta")
            .load(Tables.path(config, Tables.SCORES))
            .where(col("score_date").equalTo(lit(DAY.toString()).cast("date")))
            .agg(min("score"), max("score"))
            .head();
    double whale =
        spark
            .read()
            .format("delta")
            .load(Tables.path(config, Tables.SCORES))
            .where(col("person_id").equalTo("twitter:whale"))
            .head()
            .getAs("score");
    assertThat(whale).isEqualTo(range.getDouble(0));
    assertThat(range.getDouble(1)).isGreaterThan(whale);
  }
}
