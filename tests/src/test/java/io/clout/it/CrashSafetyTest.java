package io.clout.it;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import io.clout.jobs.Delta;
import io.clout.jobs.Pipeline;
import io.clout.jobs.Table;
import io.clout.jobs.Tables;
import io.clout.jobs.TestSpark;
import io.clout.jobs.generate.Generator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL a real {@code clout daily} driver at several points of a day. After each kill no table
 * holds part of the day (each holds the day whole, as an uninterrupted run writes it, or not at
 * all), and a rerun gives exactly the uninterrupted result.
 */
class CrashSafetyTest {
  static final LocalDate DAY1 = LocalDate.parse("2026-07-01");
  static final LocalDate DAY2 = DAY1.plusDays(1);
  @TempDir static Path tmp;
  static SparkSession spark;
  static Path raw;
  static Path afterDay1;
  static List<String> identitiesAfterDay1;
  static CloutConfig reference;

  /** The uninterrupted run's rows of each table, per day, read once for every kill. */
  static final Map<LocalDate, Map<Table, List<String>>> expected = new HashMap<>();

  static List<String> expected(Table table, LocalDate d) {
    return expected.get(d).get(table);
  }

  static CloutConfig config(Path warehouse) {
    return ConfigLoader.load(
        null,
        Map.of("paths.raw", raw.toString(), "paths.warehouse", warehouse.toString()),
        Map.of());
  }

  @BeforeAll
  static void referenceRun() throws IOException {
    spark = TestSpark.spark();
    raw = tmp.resolve("raw");
    Generator.generate(new Generator.Params(150, 2, DAY1, 9, 0.01), raw);
    Path ref = tmp.resolve("ref");
    reference = config(ref);
    Pipeline.runDay(spark, reference, DAY1, false, System.out);
    afterDay1 = tmp.resolve("after-day1");
    copy(ref, afterDay1);
    Pipeline.runDay(spark, reference, DAY2, false, System.out);
    for (LocalDate d : List.of(DAY1, DAY2)) {
      Map<Table, List<String>> rows = new HashMap<>();
      Tables.ALL.forEach(t -> rows.put(t, day(reference, t, d)));
      expected.put(d, rows);
    }
    identitiesAfterDay1 = day(config(afterDay1), Tables.IDENTITIES, DAY2);
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  /** A table's rows of one day, sorted, or the whole table for identities. */
  static List<String> day(CloutConfig c, Table table, LocalDate d) {
    String path = Tables.path(c, table);
    if (!Delta.exists(spark, path)) {
      return List.of();
    }
    var rows = spark.read().format("delta").load(path);
    String column =
        table.equals(Tables.ENGAGEMENTS) || table.equals(Tables.REJECTED_EVENTS)
            ? "ingest_date"
            : table.equals(Tables.IDENTITIES) ? null : "score_date";
    if (column != null) {
      rows = rows.where(col(column).equalTo(lit(d.toString()).cast("date")));
    }
    return rows.collectAsList().stream()
        .map(Row::toString)
        .sorted(Comparator.naturalOrder())
        .toList();
  }

  /**
   * Runs clout daily for DAY2 in its own JVM and SIGKILLs it once {@code killWhen} sees its output
   * line.
   */
  static List<String> killDuring(Path warehouse, Predicate<String> killWhen, long delayMs)
      throws Exception {
    List<String> command =
        CloutJvm.command(
            "2g",
            List.of(),
            List.of(
                "daily",
                "--date",
                DAY2.toString(),
                "--raw",
                raw.toString(),
                "--warehouse",
                warehouse.toString(),
                "--conf",
                "spark.sql.shuffle.partitions=2",
                "--conf",
                "spark.ui.enabled=false"));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<String> seen = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        seen.add(line);
        if (killWhen.test(line)) {
          Thread.sleep(delayMs);
          p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no cleanup
          break;
        }
      }
    }
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return seen;
  }

  void assertNoPartialDayThenRerunMatches(String point, Predicate<String> killWhen, long delayMs)
      throws Exception {
    Path w = tmp.resolve("kill-" + point);
    copy(afterDay1, w);
    List<String> output = killDuring(w, killWhen, delayMs);
    CloutConfig c = config(w);
    for (Table table : Tables.ALL) {
      List<String> got = day(c, table, DAY2);
      List<String> before = table.equals(Tables.IDENTITIES) ? identitiesAfterDay1 : List.of();
      assertThat(got)
          .as("%s after a kill %s (output %s)", table, point, output)
          .isIn(before, expected(table, DAY2));
    }
    assertThat(Files.exists(Path.of(Tables.reportPath(c, "daily", DAY2.toString())))).isFalse();
    Pipeline.runDay(spark, c, DAY2, false, System.out);
    for (Table table : Tables.ALL) {
      assertThat(day(c, table, DAY2))
          .as("%s after the rerun", table)
          .isEqualTo(expected(table, DAY2));
      assertThat(day(c, table, DAY1))
          .as("%s day 1 after the rerun", table)
          .isEqualTo(expected(table, DAY1));
    }
  }

  @Test
  void killedWhileIngesting() throws Exception {
    assertNoPartialDayThenRerunMatches("ingesting", l -> l.startsWith("day "), 1500);
  }

  @Test
  void killedRightAfterIngestCommitted() throws Exception {
    assertNoPartialDayThenRerunMatches("after-ingest", l -> l.trim().startsWith("ingest "), 0);
  }

  @Test
  void killedWhileWritingMoments() throws Exception {
    assertNoPartialDayThenRerunMatches("moments", l -> l.trim().startsWith("score "), 2500);
  }
}
