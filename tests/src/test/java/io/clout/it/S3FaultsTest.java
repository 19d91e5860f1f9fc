package io.clout.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import io.clout.jobs.CloutException;
import io.clout.jobs.Delta;
import io.clout.jobs.Pipeline;
import io.clout.jobs.Table;
import io.clout.jobs.Tables;
import io.clout.jobs.TestSpark;
import io.clout.jobs.generate.Generator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daily run against object storage that fails: the real S3 server behind a proxy that answers
 * 500 and 503 on purpose or late, and the server itself stopped in the middle of a run and started
 * again. s3a retries a bounded number of times (set below, as conf/s3.yaml sets it for production);
 * then the run fails with a clear error and every table is as it was before the run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3FaultsTest {
  static final String BUCKET = "faults";
  static final LocalDate DAY1 = LocalDate.parse("2026-06-01");
  static final LocalDate DAY2 = DAY1.plusDays(1);
  @TempDir static Path tmp;
  static S3ProxyServer s3;
  static FaultyProxy proxy;
  static SparkSession spark;
  static CloutConfig config;

  @BeforeAll
  static void setUp() throws Exception {
    s3 = S3ProxyServer.start(tmp);
    try (var client = s3.client()) {
      client.createBucket(b -> b.bucket(BUCKET));
    }
    Generator.generate(new Generator.Params(120, 2, DAY1, 11, 0.01), tmp.resolve("raw"));
    s3.upload(tmp.resolve("raw"), BUCKET, "raw");
    proxy = new FaultyProxy(s3.port());

    spark = TestSpark.spark();
    // Per-bucket settings, so the other S3 tests in this JVM keep their own endpoint.
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Map<String, String> s3a = new LinkedHashMap<>(s3.s3aSettings());
    s3a.put("fs.s3a.endpoint", proxy.endpoint());
    s3a.put("fs.s3a.attempts.maximum", "1");
    s3a.put("fs.s3a.retry.limit", "2");
    s3a.put("fs.s3a.retry.interval", "100ms");
    s3a.put("fs.s3a.retry.throttle.limit", "3");
    s3a.put("fs.s3a.retry.throttle.interval", "100ms");
    s3a.forEach((k, v) -> hadoop.set(k.replace("fs.s3a.", "fs.s3a.bucket." + BUCKET + "."), v));
    config =
        ConfigLoader.load(
            Path.of(System.getProperty("clout.repo.root"), "conf", "s3.yaml"),
            Map.of(
                "paths.raw",
                "s3a://" + BUCKET + "/raw",
                "paths.warehouse",
                "s3a://" + BUCKET + "/warehouse"),
            Map.of());
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  /** Every table's rows, as text, sorted: what "unchanged" is checked against. */
  static Map<String, List<String>> contents() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Table t : Tables.ALL) {
      String path = Tables.path(config, t);
      List<String> rows = new ArrayList<>();
      if (Delta.exists(spark, path)) {
        for (Row r : spark.read().format("delta").load(path).collectAsList()) {
          rows.add(r.toString());
        }
      }
      rows.sort(null);
      out.put(t.name(), rows);
    }
    return out;
  }

  static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream());
  }

  @Test
  @Order(1)
  void errorAndSlowAnswersAreRetriedOrWaitedForAndTheDayCompletes() {
    // Two 500s and three 503s, and the first ten answers two seconds late.
    proxy.answer(500, 500);
    proxy.fail(line -> true, 3);
    proxy.slow(2000, 10);
    Pipeline.DailyReport day1 = Pipeline.runDay(spark, config, DAY1, false, quiet());
    assertThat(proxy.failed.get()).as("500s and 503s answered").isEqualTo(5);
    assertThat(proxy.slowed.get()).as("slow answers").isEqualTo(10);
    assertThat(day1.status()).isEqualTo("complete");
    assertThat(day1.score().scored()).isPositive();
    proxy.heal();
  }

  @Test
  @Order(2)
  void writesThatKeepFailingEndTheRunAndEveryTableIsRestored() {
    Map<String, List<String>> before = contents();
    int failedBefore = proxy.failed.get();
    // Ingest and score commit; then every write into the moments table answers 503.
    proxy.fail(
        line -> line.startsWith("PUT /" + BUCKET + "/warehouse/moments/"), Integer.MAX_VALUE);

    assertThatThrownBy(() -> Pipeline.runDay(spark, config, DAY2, false, quiet()))
        .isInstanceOf(CloutException.class)
        .hasMessageContaining("Day " + DAY2 + " failed")
        .hasMessageContaining("restored to its version before the run")
        .hasMessageContaining("engagements")
        .hasMessageContaining("scores");
    proxy.heal();
    int attempts = proxy.failed.get() - failedBefore;
    assertThat(attempts).as("bounded retries").isPositive().isLessThan(50);
    assertThat(contents()).isEqualTo(before);
  }

  @Test
  @Order(3)
  void theServerStoppingMidRunFailsTheRunAndARerunAfterRecoverySucceeds() throws Exception {
    Map<String, List<String>> before = contents();
    Map<String, Long> versions = new LinkedHashMap<>();
    for (Table t : Tables.ALL) {
      versions.put(t.name(), Delta.version(spark, Tables.path(config, t)));
    }
    proxy.lines.clear();
    // Stop the server once the run is reading the day's raw files, before ingest commits.
    CompletableFuture<Void> outage =
        CompletableFuture.runAsync(
            () -> {
              while (proxy.lines.stream()
                  .noneMatch(
                      l -> l.startsWith("GET /" + BUCKET + "/raw/") && l.contains("part-"))) {
                Thread.onSpinWait();
              }
              s3.close();
            });
    long started = System.nanoTime();
    assertThatThrownBy(() -> Pipeline.runDay(spark, config, DAY2, false, quiet()))
        .isInstanceOf(CloutException.class)
        .hasMessageContaining("Day " + DAY2 + " failed");
    long seconds = (System.nanoTime() - started) / 1_000_000_000;
    outage.get();
    assertThat(seconds).as("retries are bounded, not endless").isLessThan(600);

    s3.restart();
    for (Table t : Tables.ALL) {
      assertThat(Delta.version(spark, Tables.path(config, t)))
          .as(t.name())
          .isEqualTo(versions.get(t.name()));
    }
    assertThat(contents()).isEqualTo(before);

    Pipeline.DailyReport rerun = Pipeline.runDay(spark, config, DAY2, false, quiet());
    assertThat(rerun.status()).isEqualTo("complete");
    assertThat(rerun.ingest().reconciles()).isTrue();
    assertThat(rerun.score().scored()).isPositive();
  }
}
