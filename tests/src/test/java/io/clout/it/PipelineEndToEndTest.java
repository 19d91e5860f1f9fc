package io.clout.it;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import io.clout.jobs.Pipeline;
import io.clout.jobs.SqlCommand;
import io.clout.jobs.Table;
import io.clout.jobs.Tables;
import io.clout.jobs.TestSpark;
import io.clout.jobs.generate.Generator;
import io.clout.jobs.score.ScoreJob;
import io.clout.jobs.window.InteractionWindow;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline the README's main command runs (generate, then ingest and score day by day), and the
 * properties the score must have, checked on its output.
 */
class PipelineEndToEndTest {
  static final int PERSONS = 400;
  static final int DAYS = 6;
  static final LocalDate START = LocalDate.parse("2026-05-01");
  static final LocalDate LAST = START.plusDays(DAYS - 1);
  @TempDir static Path tmp;
  static SparkSession spark;
  static CloutConfig config;
  static Generator.Manifest manifest;

  @BeforeAll
  static void runThePipeline() throws Exception {
    spark = TestSpark.spark();
    manifest =
        Generator.generate(
            new Generator.Params(PERSONS, DAYS, START, 3, 0.005), tmp.resolve("raw"));
    // 400 people rarely reach 60, the default bar for an influencer to answer; 35 keeps the list
    // busy.
    config =
        ConfigLoader.load(
            null,
            Map.of(
                "paths.raw",
                tmp.resolve("raw").toString(),
                "paths.warehouse",
                tmp.resolve("wh").toString(),
                "moments.unanswered-min-score",
                "35",
                "perks.catalog",
                Path.of(System.getProperty("clout.repo.root"), "conf", "perks.yaml").toString(),
                // clout-1's promises; Clout2PipelineTest checks clout-2's.
                "scoring.model-version",
                "clout-1"),
            Map.of());
    Pipeline.runRange(spark, config, START, LAST, false, System.out);
  }

  static Dataset<Row> table(Table name) {
    return spark.read().format("delta").load(Tables.path(config, name));
  }

  /** The person id scores use for a generated person: the identity's, or the twitter account's. */
  static String personId(String generated) {
    long mapped = table(Tables.IDENTITIES).where(col("person_id").equalTo(generated)).count();
    return mapped > 0
        ? generated
        : "twitter:tw" + (100000 + Integer.parseInt(generated.substring(1)));
  }

  static Map<LocalDate, Row> history(String personId) {
    Map<LocalDate, Row> out = new HashMap<>();
    for (Row r : table(Tables.SCORES).where(col("person_id").equalTo(personId)).collectAsList()) {
      out.put(r.<java.sql.Date>getAs("score_date").toLocalDate(), r);
    }
    return out;
  }

  /** Each person's target score on the last day over these inputs, nothing written. */
  static Map<String, Double> targets(Dataset<Row> engagements, Dataset<Row> identities) {
    Dataset<Row> none = ScoreJob.noPreviousScores(spark);
    try (InteractionWindow window =
            InteractionWindow.of(engagements, identities, LAST, config.scoring());
        ScoreJob.Computed c = ScoreJob.compute(window, none, config.scoring())) {
      return c.scores().collectAsList().stream()
          .collect(
              Collectors.toMap(r -> r.getAs("person_id"), r -> r.<Double>getAs("target_score")));
    }
  }

  @Test
  void everyDayIsScoredOnTheCalibratedScale() {
    List<Row> days = table(Tables.SCORES).groupBy("score_date").count().collectAsList();
    assertThat(days).hasSize(DAYS);
    Row last =
        table(Tables.SCORES)
            .where(
                col("score_date")
                    .equalTo(lit(LAST.toString()).cast("date"))
                    .and(col("acted_today")))
            .selectExpr(
                "percentile(score, 0.5) median",
                "avg(CASE WHEN score BETWEEN 10 AND 40 THEN 1D ELSE 0D END) in_band",
                "avg(CASE WHEN score >= 80 THEN 1D ELSE 0D END) top")
            .first();
    assertThat(last.<Double>getAs("median")).isBetween(10.0, 40.0);
    assertThat(last.<Double>getAs("in_band")).isGreaterThan(0.6);
    assertThat(last.<Double>getAs("top")).isLessThan(0.01);
    assertThat(
            table(Tables.CURRENT_SCORES)
                .select("score_date")
                .distinct()
                .first()
                .<java.sql.Date>getAs(0)
                .toLocalDate())
        .isEqualTo(LAST);
    // The change data feed of scores is on from the table's first commit (a catalog property set
    // at creation), so it carries every day's rows.
    long changed =
        spark
            .read()
            .format("delta")
            .option("readChangeFeed", "true")
            .option("startingVersion", 0)
            .load(Tables.path(config, Tables.SCORES))
            .where(col("_change_type").equalTo("insert"))
            .select("score_date")
            .distinct()
            .count();
    assertThat(changed).isEqualTo(DAYS);
  }

  @Test
  void anInactivePersonsScoreFallsEveryDayByNoMoreThanTheCap() {
    int checked = 0;
    for (Map.Entry<String, String> q : manifest.quietFrom().entrySet()) {
      LocalDate from = LocalDate.parse(q.getValue());
      Map<LocalDate, Row> h = history(personId(q.getKey()));
      for (LocalDate d = from; !d.isAfter(LAST); d = d.plusDays(1)) {
        Row r = h.get(d);
        assertThat(r).as("%s on %s", q.getKey(), d).isNotNull();
        assertThat(r.<Boolean>getAs("acted_today")).isFalse();
        assertThat(r.<Double>getAs("score_change"))
            .as("%s on %s", q.getKey(), d)
            .isLessThan(0.0)
            .isGreaterThanOrEqualTo(-config.scoring().maxDailyDrop());
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(3);
  }

  @Test
  void aViralPostLiftsItsAuthorWithinOneRun() {
    List<Row> viral =
        table(Tables.ENGAGEMENTS)
            .where(
                col("type")
                    .equalTo("post")
                    .and(col("post_id").isin(manifest.viralPosts().keySet().toArray())))
            .select("post_id", "event_date")
            .collectAsList();
    int checked = 0;
    for (Row v : viral) {
      LocalDate day = v.<java.sql.Date>getAs("event_date").toLocalDate();
      if (day.isAfter(START)) {
        Row r = history(personId(manifest.viralPosts().get(v.<String>getAs("post_id")))).get(day);
        assertThat(r.<Double>getAs("score_change"))
            .as("author of %s on %s", v.getAs("post_id"), day)
            .isGreaterThan(2.0);
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(DAYS - 2);
  }

  @Test
  void theEngagementRingGainsAtMostTwoPointsOverHonestBehaviour() {
    Dataset<Row> engagements = table(Tables.ENGAGEMENTS);
    Dataset<Row> identities = table(Tables.IDENTITIES);
    // Honest behaviour: the same engagements, aimed at ordinary people instead of each other.
    org.apache.spark.sql.Column inRing =
        col("actor_id").startsWith("twring").and(col("target_id").startsWith("twring"));
    Dataset<Row> honest =
        engagements.withColumn(
            "target_id",
            when(
                    inRing,
                    concat(
                        lit("tw"),
                        lit(100000).plus(pmod(hash(col("event_id")), lit(PERSONS))).cast("string")))
                .otherwise(col("target_id")));
    Map<String, Double> ring = targets(engagements, identities);
    Map<String, Double> fair = targets(honest, identities);
    for (String member : manifest.ringPersons()) {
      String id = "twitter:twring" + member.substring(4).replaceFirst("^0", "");
      assertThat(ring.get(id) - fair.get(id))
          .as(id + " ring " + ring.get(id) + " honest " + fair.get(id))
          .isLessThanOrEqualTo(2.0);
    }
  }

  @Test
  void addingAnUnrelatedGroupLeavesEveryoneElsesScore() {
    Dataset<Row> engagements = table(Tables.ENGAGEMENTS);
    Dataset<Row> identities = table(Tables.IDENTITIES);
    Dataset<Row> strangers =
        engagements
            .withColumn("event_id", concat(lit("x"), col("event_id")))
            .withColumn("actor_id", concat(lit("x"), col("actor_id")))
            .withColumn("target_id", concat(lit("x"), col("target_id")))
            .withColumn("post_id", concat(lit("x"), col("post_id")));
    Dataset<Row> strangerIds =
        identities
            .withColumn("account_id", concat(lit("x"), col("account_id")))
            .withColumn("person_id", concat(lit("x"), col("person_id")));
    Map<String, Double> before = targets(engagements, identities);
    Map<String, Double> after =
        targets(engagements.unionByName(strangers), identities.unionByName(strangerIds));
    assertThat(after).hasSize(2 * before.size());
    before.forEach((id, score) -> assertThat(after.get(id)).as(id).isCloseTo(score, within(0.01)));
  }

  @Test
  void scoresEqualThePlainJavaReference() {
    ReferenceScorer.assertScoresMatch(spark, config, LAST);
  }

  @Test
  void rerunningADayGivesIdenticalScoresAndDrivers() {
    Set<Table> tables = Set.of(Tables.SCORES, Tables.SCORE_DRIVERS);
    Map<Table, List<Row>> before = new HashMap<>();
    for (Table t : tables) {
      before.put(
          t,
          table(t).orderBy("person_id").collectAsList().stream()
              .sorted(java.util.Comparator.comparing(Row::toString))
              .toList());
    }
    ScoreJob.run(spark, config, LAST);
    for (Table t : tables) {
      assertThat(
              table(t).collectAsList().stream()
                  .sorted(java.util.Comparator.comparing(Row::toString))
                  .toList())
          .as(t.name())
          .isEqualTo(before.get(t));
    }
  }

  @Test
  void sqlShowsAPersonsHistoryAndWhyItMoved() {
    String who = personId(manifest.quietFrom().keySet().iterator().next());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SqlCommand.run(
        spark,
        config,
        "SELECT s.score_date, s.score, s.score_change, d.kind, d.value FROM scores s JOIN score_drivers d"
            + " ON s.person_id = d.person_id AND s.score_date = d.score_date AND d.unit = 'points'"
            + " WHERE s.person_id = '"
            + who
            + "' ORDER BY s.score_date, d.kind",
        SqlCommand.Format.CSV,
        100,
        new PrintStream(out, true, StandardCharsets.UTF_8));
    String csv = out.toString(StandardCharsets.UTF_8);
    assertThat(csv).startsWith("score_date,score,score_change,kind,value").contains("model_change");
    // Somewhere an idle day cost more than the model alone would have taken.
    assertThat(table(Tables.SCORE_DRIVERS).where(col("kind").equalTo("inactivity_decay")).count())
        .isPositive();
    // Each day's change is the sum of its parts in score_drivers.
    Map<String, Double> sums = new HashMap<>();
    Map<String, Double> changes = new HashMap<>();
    for (String line : csv.lines().skip(1).toList()) {
      String[] c = line.split(",");
      sums.merge(c[0], Double.parseDouble(c[4]), Double::sum);
      changes.put(c[0], Double.parseDouble(c[2]));
    }
    changes.forEach(
        (day, change) -> assertThat(sums.get(day)).as(day).isCloseTo(change, within(1e-6)));
  }

  @Test
  void viralPostsAreTheirAuthorsTopMomentOnTheDay() {
    List<Row> viral =
        table(Tables.ENGAGEMENTS)
            .where(
                col("type")
                    .equalTo("post")
                    .and(col("post_id").isin(manifest.viralPosts().keySet().toArray())))
            .select("post_id", "event_date")
            .collectAsList();
    assertThat(viral).hasSizeGreaterThanOrEqualTo(DAYS - 1);
    for (Row v : viral) {
      String author = personId(manifest.viralPosts().get(v.<String>getAs("post_id")));
      List<Row> top =
          table(Tables.MOMENTS)
              .where(
                  col("score_date")
                      .equalTo(v.getAs("event_date"))
                      .and(col("person_id").equalTo(author))
                      .and(col("position").equalTo(1)))
              .collectAsList();
      assertThat(top)
          .extracting(r -> r.<String>getAs("post_id"))
          .as("%s on %s", author, v.getAs("event_date"))
          .containsExactly(v.<String>getAs("post_id"));
    }
  }

  @Test
  void momentEngagersCarryTheirScoreOfThatDay() {
    Dataset<Row> engagers =
        table(Tables.MOMENTS)
            .selectExpr("score_date", "explode(engagers) e")
            .selectExpr("score_date", "e.person_id", "e.score");
    Dataset<Row> scores =
        table(Tables.SCORES)
            .select(col("score_date").as("d"), col("person_id").as("p"), col("score").as("s"));
    long checked = engagers.count();
    long mismatched =
        engagers
            .join(
                scores,
                col("score_date").equalTo(col("d")).and(col("person_id").equalTo(col("p"))),
                "left")
            .where(col("s").isNull().or(col("s").notEqual(col("score"))))
            .count();
    assertThat(checked).isGreaterThan(1000);
    assertThat(mismatched).isZero();
  }

  @Test
  void rerunningMomentsNeitherLosesNorDuplicatesAMoment() {
    Dataset<Row> before =
        table(Tables.MOMENTS).where(col("score_date").equalTo(lit(LAST.toString()).cast("date")));
    List<Row> keys =
        before
            .select("person_id", "network", "post_id", "position", "moment_score")
            .orderBy("person_id", "position")
            .collectAsList();
    io.clout.jobs.moments.MomentsJob.run(spark, config, LAST);
    Dataset<Row> after =
        table(Tables.MOMENTS).where(col("score_date").equalTo(lit(LAST.toString()).cast("date")));
    assertThat(
            after
                .select("person_id", "network", "post_id", "position", "moment_score")
                .orderBy("person_id", "position")
                .collectAsList())
        .isEqualTo(keys);
    assertThat(after.select("person_id", "network", "post_id").distinct().count())
        .isEqualTo(keys.size());
    assertThat(table(Tables.MOMENTS).groupBy("score_date").count().count()).isEqualTo(DAYS);
  }

  static List<String> sql(String query) {
    return spark.sql(query).collectAsList().stream().map(r -> r.mkString(",")).sorted().toList();
  }

  /** Perk holders and band milestones, against SQL over the scores table (conf/perks.yaml). */
  @Test
  void perksAndMilestonesFollowFromTheScoresTable() {
    table(Tables.SCORES).createOrReplaceTempView("e2e_scores");
    table(Tables.PERK_ELIGIBILITY).createOrReplaceTempView("e2e_perks");
    table(Tables.MILESTONES).createOrReplaceTempView("e2e_milestones");
    String holders =
        "SELECT score_date, person_id FROM e2e_perks WHERE perk_id = '%s'"
            + " AND status IN ('new', 'eligible')";
    // Anyone at 25 or more, every day.
    assertThat(sql(holders.formatted("print-discount")))
        .isNotEmpty()
        .isEqualTo(sql("SELECT score_date, person_id FROM e2e_scores WHERE score >= 25"));
    // Five a day at 45 or more, highest score first, ties by id.
    assertThat(sql(holders.formatted("car-weekend")))
        .isEqualTo(
            sql(
                "SELECT score_date, person_id FROM (SELECT score_date, person_id, row_number()"
                    + " OVER (PARTITION BY score_date ORDER BY score DESC, person_id) n"
                    + " FROM e2e_scores WHERE score >= 45) WHERE n <= 5"));
    // New holders are the holders who did not hold the perk the day before.
    assertThat(
            sql(
                "SELECT score_date, perk_id, person_id FROM e2e_perks WHERE status = 'new'"
                    + " AND score_date > DATE'"
                    + START
                    + "'"))
        .isEqualTo(
            sql(
                "SELECT t.score_date, t.perk_id, t.person_id FROM e2e_perks t"
                    + " LEFT ANTI JOIN e2e_perks y ON y.perk_id = t.perk_id"
                    + " AND y.person_id = t.person_id AND y.score_date = date_sub(t.score_date, 1)"
                    + " AND y.status IN ('new', 'eligible')"
                    + " WHERE t.status IN ('new', 'eligible') AND t.score_date > DATE'"
                    + START
                    + "'"));
    assertThat(
            sql(
                "SELECT score_date, person_id FROM e2e_milestones"
                    + " WHERE kind IN ('band_up', 'band_down')"))
        .isNotEmpty()
        .isEqualTo(
            sql(
                "SELECT score_date, person_id FROM e2e_scores WHERE previous_score IS NOT NULL"
                    + " AND least(floor(score / 10), 9) <> least(floor(previous_score / 10), 9)"));
  }

  @Test
  void sqlShowsMomentsWithEngagerScoresAndUnansweredInfluencers() {
    String who = personId(manifest.viralPosts().values().iterator().next());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SqlCommand.run(
        spark,
        config,
        "SELECT m.post_id, m.moment_score, e.person_id engager, e.score FROM moments m LATERAL VIEW explode(m.engagers) x AS e"
            + " WHERE m.person_id = '"
            + who
            + "' AND m.score_date = DATE'"
            + LAST
            + "' AND m.position = 1",
        SqlCommand.Format.JSON,
        5,
        new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(out.toString(StandardCharsets.UTF_8).lines().toList())
        .hasSize(5)
        .allMatch(l -> l.contains("\"score\":"));
    long unanswered =
        table(Tables.UNANSWERED_INFLUENCERS)
            .where(col("score_date").equalTo(lit(LAST.toString()).cast("date")))
            .count();
    assertThat(unanswered).isPositive();
    // Nobody on the list was answered: no engagement back after the influencer's first one.
    long answered =
        table(Tables.UNANSWERED_INFLUENCERS)
            .as("u")
            .join(
                table(Tables.OUTREACH).as("o"),
                col("u.score_date")
                    .equalTo(col("o.score_date"))
                    .and(col("u.person_id").equalTo(col("o.person_id")))
                    .and(col("u.engager_id").equalTo(col("o.reached_id")))
                    .and(col("o.last_at").geq(col("u.first_engaged_at"))))
            .count();
    assertThat(answered).isZero();
  }

  @Test
  void aRerunOfTheRangeIsANoOpAndABackfillEqualsSingleDayRuns() {
    Map<Table, Long> versions = new HashMap<>();
    for (Table t : Tables.ALL) {
      versions.put(t, io.clout.jobs.Delta.version(spark, Tables.path(config, t)));
    }
    Pipeline.runRange(spark, config, START, LAST, false, System.out);
    versions.forEach(
        (t, v) ->
            assertThat(io.clout.jobs.Delta.version(spark, Tables.path(config, t)))
                .as(t.name())
                .isEqualTo(v));

    // The same days, one daily run each, into another warehouse.
    CloutConfig single =
        ConfigLoader.load(
            null,
            Map.of(
                "paths.raw",
                tmp.resolve("raw").toString(),
                "paths.warehouse",
                tmp.resolve("single").toString(),
                "moments.unanswered-min-score",
                "35",
                "perks.catalog",
                config.perks().catalog(),
                "scoring.model-version",
                "clout-1"),
            Map.of());
    // The first three days carry state from day to day (scores, late data, identities) as the
    // rest do; all six would double the test's time.
    LocalDate third = START.plusDays(2);
    for (LocalDate d = START; !d.isAfter(third); d = d.plusDays(1)) {
      Pipeline.runRange(spark, single, d, d, false, System.out);
    }
    for (Table t : Tables.ALL) {
      if (t.dayColumn() != null) {
        assertThat(sorted(single, t, third)).as(t.name()).isEqualTo(sorted(config, t, third));
      }
    }
  }

  /** A table's rows up to a day, without source_file, as sorted text. */
  static List<String> sorted(CloutConfig c, Table table, LocalDate upTo) {
    return spark
        .read()
        .format("delta")
        .load(Tables.path(c, table))
        .where(col(table.dayColumn()).leq(lit(upTo.toString()).cast("date")))
        .drop("source_file")
        .collectAsList()
        .stream()
        .map(Row::toString)
        .sorted()
        .toList();
  }
}
