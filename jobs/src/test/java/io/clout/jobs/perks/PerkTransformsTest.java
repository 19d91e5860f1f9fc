package io.clout.jobs.perks;

import static io.clout.jobs.TestSpark.df;
import static io.clout.jobs.TestSpark.spark;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import io.clout.common.perks.Perk;
import io.clout.jobs.Table;
import io.clout.jobs.Tables;
import io.clout.jobs.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Perk eligibility and milestones on hand-built score histories around 2026-01-10. */
class PerkTransformsTest {
  static final LocalDate DAY = LocalDate.parse("2026-01-10");
  static final CloutConfig.Milestones MILESTONES =
      new CloutConfig.Milestones(List.of(5, 3), List.of(100L, 10L));

  static Perk perk(
      String id, double min, List<String> networks, String from, String to, Integer q) {
    return new Perk(
        id,
        "partner-" + id,
        "perk " + id,
        min,
        networks,
        LocalDate.parse(from),
        to == null ? null : LocalDate.parse(to),
        q);
  }

  static final List<Perk> CATALOG =
      List.of(
          perk("a", 40, List.of(), "2026-01-01", null, null),
          perk("b", 50, List.of("instagram"), "2026-01-01", null, null),
          perk("c", 30, List.of(), "2026-01-01", "2026-01-10", 2),
          perk("d", 10, List.of(), "2026-01-11", null, null),
          perk("e", 10, List.of(), "2026-01-01", "2026-01-09", null));

  static Dataset<Row> dayScores() {
    return df(
        "person_id STRING, score DOUBLE, networks ARRAY<STRING>",
        "{\"person_id\":\"p1\",\"score\":60.0,\"networks\":[\"twitter\"]}",
        "{\"person_id\":\"p2\",\"score\":60.0,\"networks\":[\"instagram\"]}",
        "{\"person_id\":\"p3\",\"score\":45.0,\"networks\":[\"twitter\"]}",
        "{\"person_id\":\"p4\",\"score\":39.99,\"networks\":[\"instagram\"]}",
        "{\"person_id\":\"p5\",\"score\":40.0,\"networks\":null}");
  }

  static Dataset<Row> yesterday() {
    return df(
        Tables.PERK_ELIGIBILITY.ddl(),
        held("a", "p1", "eligible"),
        held("a", "p4", "new"),
        held("a", "p6", "eligible"),
        held("b", "p1", "new"),
        held("c", "p3", "eligible"),
        held("c", "p5", "waitlisted"),
        held("e", "p2", "eligible"),
        held("z", "p2", "eligible"));
  }

  static String held(String perk, String person, String status) {
    return String.format(
        "{\"score_date\":\"2026-01-09\",\"perk_id\":\"%s\",\"partner\":\"partner-%s\","
            + "\"person_id\":\"%s\",\"status\":\"%s\"}",
        perk, perk, person, status);
  }

  static List<String> rows(Dataset<Row> d, String... columns) {
    List<String> out = new ArrayList<>();
    for (Row r : d.selectExpr(columns).collectAsList()) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        cells.add(String.valueOf(r.get(i)));
      }
      out.add(String.join(",", cells));
    }
    return out;
  }

  @Test
  void eligibilityFollowsThresholdsNetworksWindowsQuantitiesAndYesterday() {
    Dataset<Row> got =
        PerkTransforms.eligibility(
            dayScores(), PerkTransforms.catalog(spark(), CATALOG), yesterday(), DAY);
    assertThat(rows(got, "perk_id", "person_id", "status", "reason", "allocation_rank"))
        .containsExactlyInAnyOrder(
            // a: 40 qualifies exactly, 39.99 does not; ties at 60 go to the smaller id.
            "a,p1,eligible,null,1",
            "a,p2,new,null,2",
            "a,p3,new,null,3",
            "a,p5,new,null,4",
            "a,p4,lost,below_min_score,null",
            "a,p6,lost,not_scored,null",
            // b: instagram only; p1 scores enough but is seen on twitter.
            "b,p2,new,null,1",
            "b,p1,lost,network,null",
            // c: two to give, highest scores first; p3 held it and is now third.
            "c,p1,new,null,1",
            "c,p2,new,null,2",
            "c,p3,lost,quantity_taken,3",
            "c,p5,waitlisted,null,4",
            "c,p4,waitlisted,null,5",
            // d is not offered yet, e no longer, z left the catalog.
            "e,p2,lost,perk_expired,null",
            "z,p2,lost,perk_withdrawn,null");
    assertThat(rows(got.where(col("perk_id").equalTo("z")), "partner", "min_score", "score"))
        .containsExactly("partner-z,null,60.0");
    assertThat(Tables.conform(Tables.PERK_ELIGIBILITY, got).columns())
        .containsExactly(Tables.PERK_ELIGIBILITY.columns().toArray(String[]::new));
  }

  @Test
  void withoutAYesterdayEveryHolderIsNew() {
    Dataset<Row> got =
        PerkTransforms.eligibility(
            dayScores(),
            PerkTransforms.catalog(spark(), CATALOG),
            TestSpark.df(Tables.PERK_ELIGIBILITY.ddl()),
            DAY);
    assertThat(rows(got.select("status").distinct(), "status"))
        .containsExactlyInAnyOrder("new", "waitlisted");
  }

  /** One scores row; score_date is a day of January 2026. */
  static String s(int day, String person, double score, Double previous, boolean acted) {
    return String.format(
        "{\"score_date\":\"2026-01-%02d\",\"person_id\":\"%s\",\"score\":%s,\"previous_score\":%s,"
            + "\"acted_today\":%s,\"networks\":[\"twitter\"]}",
        day, person, score, previous, acted);
  }

  static Dataset<Row> history() {
    List<String> rows = new ArrayList<>();
    // Bands and bests (not active, so no streaks).
    rows.add(s(8, "q1", 39.0, null, false));
    rows.add(s(9, "q1", 39.5, 39.0, false));
    rows.add(s(10, "q1", 41.0, 39.5, false));
    rows.add(s(9, "q2", 55.0, null, false));
    rows.add(s(10, "q2", 48.0, 50.2, false));
    rows.add(s(9, "q3", 9.5, null, false));
    rows.add(s(10, "q3", 10.0, 9.5, false));
    rows.add(s(8, "q4", 100.0, null, false));
    rows.add(s(9, "q4", 99.0, 100.0, false));
    rows.add(s(10, "q4", 100.0, 99.0, false));
    rows.add(s(10, "q5", 70.0, null, false));
    // Streaks, lengths 3 and 5, at a steady score of 20.
    int[][] active = {
      {8, 9, 10}, // s1: reaches 3 today
      {5, 6, 7, 8, 9}, // s2: 5 days, idle today: broken
      {7, 8, 10}, // s3: no row at all on the 9th: today starts again at 1
      {1, 2, 3, 4, 5, 6, 7, 8, 9}, // s4: 9 days, idle today: broken, longer than read back
      {9}, // s5: 1 day, idle today: too short to count as broken
      {6, 7, 8, 9, 10}, // s6: reaches 5 today
    };
    for (int i = 0; i < active.length; i++) {
      String p = "s" + (i + 1);
      for (int d = 1; d <= 10; d++) {
        final int day = d;
        boolean acted = Arrays.stream(active[i]).anyMatch(a -> a == day);
        if (!(p.equals("s3") && d == 9)) {
          rows.add(s(d, p, 20.0, d == 1 ? null : 20.0, acted));
        }
      }
    }
    return df(Tables.SCORES.ddl(), rows.toArray(String[]::new));
  }

  static Dataset<Row> moments() {
    return df(
        Tables.MOMENTS.ddl(),
        moment("m1", "x1", 150),
        moment("m1", "x2", 12),
        moment("m1", "x3", 150),
        moment("m2", "y1", 50),
        moment("m3", "z1", 9));
  }

  static String moment(String person, String post, long engagements) {
    return String.format(
        "{\"score_date\":\"2026-01-10\",\"person_id\":\"%s\",\"network\":\"twitter\","
            + "\"post_id\":\"%s\",\"engagements\":%d}",
        person, post, engagements);
  }

  @Test
  void milestonesMarkBandsBestsStreaksAndFirstBigMoments() {
    Dataset<Row> earlier =
        df(
            Tables.MILESTONES.ddl(),
            // m2 passed 10 before; m1's row of the same day is what a rerun replaces.
            "{\"score_date\":\"2026-01-05\",\"person_id\":\"m2\",\"kind\":\"moment_size\",\"value\":10.0}",
            "{\"score_date\":\"2026-01-10\",\"person_id\":\"m1\",\"kind\":\"moment_size\",\"value\":10.0}");
    Dataset<Row> got = PerkTransforms.milestones(history(), moments(), earlier, DAY, MILESTONES);
    assertThat(rows(got, "person_id", "kind", "value", "previous_value", "post_id", "detail"))
        .containsExactlyInAnyOrder(
            "q1,band_up,40.0,30.0,null,30-39 to 40-49",
            "q1,personal_best,41.0,39.5,null,null",
            "q2,band_down,40.0,50.0,null,50-59 to 40-49",
            "q3,band_up,10.0,0.0,null,1-9 to 10-19",
            "q3,personal_best,10.0,9.5,null,null",
            "s1,streak,3.0,null,null,3 active days in a row",
            "s6,streak,5.0,null,null,5 active days in a row",
            "s2,streak_broken,5.0,null,null,a streak of 5 active days ended",
            "s4,streak_broken,6.0,null,null,a streak of at least 6 active days ended",
            "m1,moment_size,10.0,null,x1,150 engagements on twitter post x1",
            "m1,moment_size,100.0,null,x1,150 engagements on twitter post x1");
    assertThat(rows(got.select("score_date").distinct(), "score_date"))
        .containsExactly("2026-01-10");
  }

  @Test
  void theJobReadsTheCatalogWritesBothTablesAndARerunGivesIdenticalRows() throws Exception {
    Path warehouse = TestSpark.tempDir("perks-wh").toPath();
    Path catalog =
        Files.writeString(
            warehouse.resolve("perks.yaml"),
            """
            perks:
              - id: steady
                partner: P
                description: for steady people
                min-score: 20
                valid-from: 2026-01-01
                quantity: 3
            """);
    CloutConfig config =
        ConfigLoader.load(
            null,
            Map.of(
                "paths.warehouse", warehouse.toString(),
                "perks.catalog", catalog.toString(),
                "milestones.streak-lengths", "[3, 5]"),
            Map.of());
    for (int d = 1; d <= 10; d++) {
      LocalDate day = LocalDate.of(2026, 1, d);
      Tables.write(
          config, Tables.SCORES, history().where(col("score_date").equalTo(day.toString())), day);
    }
    Tables.write(config, Tables.MOMENTS, moments(), DAY);
    PerksJob.run(spark(), config, DAY.minusDays(1));
    PerksJob.Report first = PerksJob.run(spark(), config, DAY);
    List<Row> eligibility = sorted(config, Tables.PERK_ELIGIBILITY);
    List<Row> milestones = sorted(config, Tables.MILESTONES);
    PerksJob.Report second = PerksJob.run(spark(), config, DAY);
    assertThat(sorted(config, Tables.PERK_ELIGIBILITY)).isEqualTo(eligibility);
    assertThat(sorted(config, Tables.MILESTONES)).isEqualTo(milestones);
    assertThat(second.rows()).isEqualTo(first.rows());
    assertThat(second.tableVersions().get("milestones"))
        .isEqualTo(first.tableVersions().get("milestones") + 1);
    // Three to give: q4 and q2 held it on the 9th (with q1, 39.5) and keep it; q5 (70, first
    // scored today) takes q1's place.
    assertThat(
            rows(
                Tables.read(spark(), config, Tables.PERK_ELIGIBILITY)
                    .where(col("score_date").equalTo(DAY.toString()))
                    .where(col("status").isin("new", "eligible"))
                    .orderBy("allocation_rank"),
                "person_id",
                "status"))
        .containsExactly("q4,eligible", "q5,new", "q2,eligible");
    assertThat(
            rows(
                Tables.read(spark(), config, Tables.PERK_ELIGIBILITY)
                    .where(col("score_date").equalTo(DAY.toString()))
                    .where(col("person_id").equalTo("q1")),
                "status",
                "reason"))
        .containsExactly("lost,quantity_taken");
    assertThat(first.perksInCatalog()).isEqualTo(1);
    assertThat(milestones).isNotEmpty();
  }

  static List<Row> sorted(CloutConfig config, Table table) {
    Dataset<Row> d = Tables.read(spark(), config, table);
    return d.orderBy(d.columns()[0], Arrays.copyOfRange(d.columns(), 1, d.columns().length))
        .collectAsList();
  }
}
