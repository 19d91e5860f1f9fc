package io.clout.jobs.perks;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.arrays_overlap;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import io.clout.common.config.CloutConfig;
import io.clout.common.perks.Perk;
import io.clout.jobs.score.ScoreTransforms;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;

/**
 * Perk eligibility and milestones from the score history: pure DataFrame transforms. docs/perks.md
 * states the rules; every row can be checked against the scores and moments tables.
 */
public final class PerkTransforms {
  private PerkTransforms() {}

  /** The catalog as rows, the shape {@link #eligibility} joins with. */
  public static final StructType CATALOG =
      StructType.fromDDL(
          "perk_id STRING, partner STRING, min_score DOUBLE, networks ARRAY<STRING>,"
              + " valid_from DATE, valid_to DATE, quantity INT");

  public static Dataset<Row> catalog(SparkSession spark, List<Perk> perks) {
    List<Row> rows =
        perks.stream()
            .map(
                p ->
                    RowFactory.create(
                        p.id(),
                        p.partner(),
                        p.minScore(),
                        p.networks().toArray(String[]::new),
                        Date.valueOf(p.validFrom()),
                        p.validTo() == null ? null : Date.valueOf(p.validTo()),
                        p.quantity()))
            .toList();
    return spark.createDataFrame(rows, CATALOG);
  }

  /**
   * Who holds which perk on {@code day}, who newly does, who lost it since the day before, and who
   * qualifies for a perk whose quantity is taken. A person qualifies for a perk offered that day
   * when their score is at least its min_score and (for a perk tied to networks) they were seen on
   * one of its networks in the window. A limited perk goes to the qualifiers with the highest
   * scores, ties by person id.
   *
   * @param dayScores the day's scores rows (person_id, score, networks)
   * @param catalog {@link #catalog} rows
   * @param yesterday perk_eligibility rows of the day before (any statuses; holders are used)
   */
  public static Dataset<Row> eligibility(
      Dataset<Row> dayScores, Dataset<Row> catalog, Dataset<Row> yesterday, LocalDate day) {
    Column today = lit(Date.valueOf(day));
    Dataset<Row> offered =
        catalog.withColumn(
            "offered",
            col("valid_from")
                .leq(today)
                .and(col("valid_to").isNull().or(col("valid_to").geq(today))));
    Dataset<Row> scored =
        dayScores.select(
            col("person_id"),
            col("score"),
            coalesce(col("networks"), array().cast("array<string>")).as("person_networks"));
    Column networkOk =
        size(col("networks"))
            .equalTo(0)
            .or(arrays_overlap(col("networks"), col("person_networks")));
    // Ranked per perk without sorting a perk's qualifiers in one task.
    Dataset<Row> qualified =
        ScoreTransforms.rankByScore(
            scored
                .crossJoin(broadcast(offered.where(col("offered"))))
                .where(col("score").geq(col("min_score")).and(networkOk)),
            "allocation_rank",
            List.of("perk_id"),
            col("person_id").asc());
    Dataset<Row> held =
        yesterday
            .where(col("status").isin("eligible", "new"))
            .select(col("perk_id").as("_yp"), col("person_id").as("_yq"), col("partner").as("_yr"))
            .withColumn("held_yesterday", lit(true));
    Column holds = col("quantity").isNull().or(col("allocation_rank").leq(col("quantity")));
    Column heldBefore = coalesce(col("held_yesterday"), lit(false));
    Dataset<Row> fromToday =
        qualified
            .join(
                held,
                col("perk_id").equalTo(col("_yp")).and(col("person_id").equalTo(col("_yq"))),
                "left")
            .select(
                col("perk_id"),
                col("partner"),
                col("person_id"),
                col("score"),
                col("min_score"),
                when(holds.and(heldBefore), "eligible")
                    .when(holds, "new")
                    .when(heldBefore, "lost")
                    .otherwise("waitlisted")
                    .as("status"),
                when(not(holds).and(heldBefore), "quantity_taken").as("reason"),
                col("allocation_rank"),
                col("quantity"));
    // Holders of yesterday who do not qualify today: the first rule they fail is the reason.
    Dataset<Row> lost =
        held.join(
                qualified.select(col("perk_id").as("_qp"), col("person_id").as("_qq")),
                col("_yp").equalTo(col("_qp")).and(col("_yq").equalTo(col("_qq"))),
                "left_anti")
            .join(offered, col("_yp").equalTo(col("perk_id")), "left")
            .join(scored, col("_yq").equalTo(col("person_id")), "left")
            .select(
                col("_yp").as("perk_id"),
                coalesce(col("partner"), col("_yr")).as("partner"),
                col("_yq").as("person_id"),
                col("score"),
                col("min_score"),
                lit("lost").as("status"),
                when(col("min_score").isNull(), "perk_withdrawn")
                    .when(not(col("offered")), "perk_expired")
                    .when(col("score").isNull(), "not_scored")
                    .when(col("score").lt(col("min_score")), "below_min_score")
                    .otherwise("network")
                    .as("reason"),
                lit(null).cast("int").as("allocation_rank"),
                col("quantity"));
    return fromToday.unionByName(lost).withColumn("score_date", today);
  }

  /** The 10-point band of a score: 0 for 1-9.99, 10 for 10-19.99, ..., 90 for 90-100. */
  static Column band(Column score) {
    return least(floor(score.divide(10)), lit(9)).multiply(10).cast("double");
  }

  /**
   * The day's milestones: a score crossing a 10-point band (band_up, band_down), a new personal
   * best above every earlier score, a streak of consecutive active days reaching one of the
   * configured lengths (streak), a streak of at least the shortest length ending the day before
   * (streak_broken), and the first time one of a person's posts reached each configured size
   * (moment_size).
   *
   * @param scores the scores table (its history is read back as far as streaks need)
   * @param dayMoments the day's moments rows
   * @param earlier milestones rows of earlier days
   */
  public static Dataset<Row> milestones(
      Dataset<Row> scores,
      Dataset<Row> dayMoments,
      Dataset<Row> earlier,
      LocalDate day,
      CloutConfig.Milestones m) {
    Column today = lit(Date.valueOf(day));
    Dataset<Row> dayScores = scores.where(col("score_date").equalTo(today));
    Dataset<Row> bands =
        dayScores
            .where(col("previous_score").isNotNull())
            .withColumn("value", band(col("score")))
            .withColumn("previous_value", band(col("previous_score")))
            .where(col("value").notEqual(col("previous_value")))
            .select(
                col("person_id"),
                when(col("value").gt(col("previous_value")), "band_up")
                    .otherwise("band_down")
                    .as("kind"),
                col("value"),
                col("previous_value"),
                lit(null).cast("string").as("post_id"),
                concat(bandLabel(col("previous_value")), lit(" to "), bandLabel(col("value")))
                    .as("detail"));
    Dataset<Row> best =
        dayScores
            .join(
                scores
                    .where(col("score_date").lt(today))
                    .groupBy(col("person_id").as("_bp"))
                    .agg(max("score").as("previous_value")),
                col("person_id").equalTo(col("_bp")))
            .where(col("score").gt(col("previous_value")))
            .select(
                col("person_id"),
                lit("personal_best").as("kind"),
                col("score").as("value"),
                col("previous_value"),
                lit(null).cast("string").as("post_id"),
                lit(null).cast("string").as("detail"));
    return bands
        .unionByName(best)
        .unionByName(streaks(scores, day, m))
        .unionByName(momentSizes(dayMoments, earlier, day, m))
        .withColumn("score_date", today);
  }

  private static Column bandLabel(Column band) {
    return concat(
        when(band.equalTo(0), lit("1")).otherwise(band.cast("int").cast("string")),
        lit("-"),
        when(band.equalTo(90), lit("100")).otherwise(band.plus(9).cast("int").cast("string")));
  }

  /**
   * Runs of consecutive active days (acted_today) ending today or yesterday, read back one day
   * further than the longest configured streak: a run that starts on that first day may be longer,
   * and its detail says "at least".
   */
  private static Dataset<Row> streaks(
      Dataset<Row> scores, LocalDate day, CloutConfig.Milestones m) {
    LocalDate first = day.minusDays(m.longestStreak() + 1L);
    Dataset<Row> runs =
        scores
            .where(
                col("acted_today")
                    .and(col("score_date").between(Date.valueOf(first), Date.valueOf(day))))
            .select("person_id", "score_date")
            // Consecutive days share score_date - their position in the person's active days.
            .withColumn(
                "run",
                date_sub(
                    col("score_date"),
                    row_number().over(Window.partitionBy("person_id").orderBy("score_date"))))
            .groupBy("person_id", "run")
            .agg(
                min("score_date").as("started"),
                max("score_date").as("ended"),
                count(lit(1)).cast("double").as("value"));
    Column atLeast =
        when(col("started").equalTo(lit(Date.valueOf(first))), lit("at least ")).otherwise("");
    Column lengths = lit(m.streakLengths().stream().mapToDouble(Integer::doubleValue).toArray());
    Dataset<Row> reached =
        runs.where(
                col("ended")
                    .equalTo(lit(Date.valueOf(day)))
                    .and(array_contains(lengths, col("value")))
                    .and(col("started").gt(lit(Date.valueOf(first)))))
            .select(
                col("person_id"),
                lit("streak").as("kind"),
                col("value"),
                lit(null).cast("double").as("previous_value"),
                lit(null).cast("string").as("post_id"),
                concat(col("value").cast("int").cast("string"), lit(" active days in a row"))
                    .as("detail"));
    Dataset<Row> broken =
        runs.where(
                col("ended")
                    .equalTo(lit(Date.valueOf(day.minusDays(1))))
                    .and(col("value").geq(m.shortestStreak())))
            .select(
                col("person_id"),
                lit("streak_broken").as("kind"),
                col("value"),
                lit(null).cast("double").as("previous_value"),
                lit(null).cast("string").as("post_id"),
                concat(
                        lit("a streak of "),
                        atLeast,
                        col("value").cast("int").cast("string"),
                        lit(" active days ended"))
                    .as("detail"));
    return reached.unionByName(broken);
  }

  /** The first day one of a person's posts reached each size, with the largest such post. */
  private static Dataset<Row> momentSizes(
      Dataset<Row> dayMoments, Dataset<Row> earlier, LocalDate day, CloutConfig.Milestones m) {
    Dataset<Row> sizes =
        dayMoments
            .sparkSession()
            .createDataFrame(
                m.momentSizes().stream().map(s -> RowFactory.create(s.doubleValue())).toList(),
                StructType.fromDDL("value DOUBLE"));
    Dataset<Row> passed =
        earlier
            .where(
                col("kind")
                    .equalTo("moment_size")
                    .and(col("score_date").lt(lit(Date.valueOf(day)))))
            .select(col("person_id").as("_ep"), col("value").as("_ev"));
    return dayMoments
        .crossJoin(broadcast(sizes))
        .where(col("engagements").geq(col("value")))
        .withColumn(
            "_n",
            row_number()
                .over(
                    Window.partitionBy("person_id", "value")
                        .orderBy(col("engagements").desc(), col("post_id").asc())))
        .where(col("_n").equalTo(1))
        .join(
            passed,
            col("person_id").equalTo(col("_ep")).and(col("value").equalTo(col("_ev"))),
            "left_anti")
        .select(
            col("person_id"),
            lit("moment_size").as("kind"),
            col("value"),
            lit(null).cast("double").as("previous_value"),
            col("post_id"),
            concat(
                    col("engagements").cast("string"),
                    lit(" engagements on "),
                    col("network"),
                    lit(" post "),
                    col("post_id"))
                .as("detail"));
  }
}
