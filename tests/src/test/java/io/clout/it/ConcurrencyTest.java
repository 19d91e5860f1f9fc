package io.clout.it;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import io.clout.jobs.CloutException;
import io.clout.jobs.Pipeline;
import io.clout.jobs.RunLock;
import io.clout.jobs.Tables;
import io.clout.jobs.TestSpark;
import io.clout.jobs.generate.Generator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs for the same day at once, and a reader during a write: one run wins, the other stops
 * with a clear message and changes nothing; the reader sees the day before the rerun or after it,
 * never a mix.
 */
class ConcurrencyTest {
  static final LocalDate DAY1 = LocalDate.parse("2026-04-01");
  static final LocalDate DAY2 = DAY1.plusDays(1);
  @TempDir static Path tmp;
  static SparkSession spark;

  static CloutConfig config(String halfLife) {
    return ConfigLoader.load(
        null,
        Map.of(
            "paths.raw",
            tmp.resolve("raw").toString(),
            "paths.warehouse",
            tmp.resolve("wh").toString(),
            "scoring.half-life-days",
            halfLife),
        Map.of());
  }

  @BeforeAll
  static void twoDays() throws Exception {
    spark = TestSpark.spark();
    Generator.generate(new Generator.Params(200, 2, DAY1, 5, 0.0), tmp.resolve("raw"));
    Pipeline.runRange(spark, config("1"), DAY1, DAY2, false, System.out);
  }

  /** The day's scores as a reader sees them: how many rows, and their sum. */
  static Row dayTwo() {
    return spark
        .read()
        .format("delta")
        .load(Tables.path(config("1"), Tables.SCORES))
        .where(col("score_date").equalTo(lit(DAY2.toString()).cast("date")))
        .agg(count(lit(1)), sum("score"))
        .head();
  }

  @Test
  void aSecondRunForTheSameDayStopsClearlyAndAReaderNeverSeesAMix() throws Exception {
    CloutConfig changed = config("2");
    Row before = dayTwo();
    Path lock = Path.of(RunLock.path(changed).toUri().getPath());
    Set<String> seen = ConcurrentHashMap.newKeySet();
    AtomicBoolean writing = new AtomicBoolean(true);

    CompletableFuture<Pipeline.DailyReport> first =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return Pipeline.runDay(spark, changed, DAY2, true, quiet());
              } finally {
                writing.set(false);
              }
            });
    CompletableFuture<Void> reader =
        CompletableFuture.runAsync(
            () -> {
              while (writing.get()) {
                seen.add(dayTwo().toString());
              }
            });
    long deadline = System.currentTimeMillis() + 120_000;
    while (!Files.exists(lock) && !first.isDone() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(Files.exists(lock)).as("the first run holds the lock").isTrue();

    assertThatThrownBy(() -> Pipeline.runDay(spark, changed, DAY2, true, quiet()))
        .isInstanceOf(CloutException.class)
        .hasMessageContaining("Cannot start daily " + DAY2)
        .hasMessageContaining("another Clout run is writing this warehouse")
        .hasMessageContaining("pid=" + ProcessHandle.current().pid())
        .hasMessageContaining("Nothing was changed");

    assertThat(first.get().status()).isEqualTo("complete");
    reader.get();
    Row after = dayTwo();
    assertThat(after.getDouble(1))
        .as("the rerun changed the scores")
        .isNotEqualTo(before.getDouble(1));
    assertThat(seen)
        .as("each read saw one whole version")
        .isSubsetOf(before.toString(), after.toString());
    assertThat(Files.exists(lock)).as("released").isFalse();
  }

  @Test
  void aLockLeftByADeadProcessIsTakenOverButALiveOneIsNot() throws Exception {
    CloutConfig config = config("1");
    Path lock = Path.of(RunLock.path(config).toUri().getPath());
    Files.createDirectories(lock.getParent());
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    String host = InetAddress.getLocalHost().getHostName();
    Files.writeString(lock, "pid=" + gone.pid() + "\nhost=" + host + "\nrun=daily killed\n");
    // Unchanged inputs: the day is skipped, but only after the lock was taken.
    assertThat(Pipeline.runDay(spark, config, DAY1, false, quiet())).isNull();
    assertThat(Files.exists(lock)).isFalse();

    Files.writeString(lock, "pid=1\nhost=another-host\nrun=daily 2026-04-01\n");
    Map<String, Long> versions = new HashMap<>();
    for (var t : List.of(Tables.SCORES, Tables.ENGAGEMENTS)) {
      versions.put(t.name(), io.clout.jobs.Delta.version(spark, Tables.path(config, t)));
    }
    assertThatThrownBy(() -> Pipeline.runDay(spark, config, DAY1, true, quiet()))
        .hasMessageContaining("host=another-host")
        .hasMessageContaining("delete " + RunLock.path(config));
    for (var t : List.of(Tables.SCORES, Tables.ENGAGEMENTS)) {
      assertThat(io.clout.jobs.Delta.version(spark, Tables.path(config, t)))
          .isEqualTo(versions.get(t.name()));
    }
    Files.delete(lock);
  }

  static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream());
  }
}
