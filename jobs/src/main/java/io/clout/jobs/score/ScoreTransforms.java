package io.clout.jobs.score;

import static io.clout.jobs.score.Rounded.bround;
import static io.clout.jobs.score.Rounded.exactSum;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log10;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import io.clout.common.scoring.ScoreMath;
import io.clout.common.scoring.ScoringParams;
import io.clout.jobs.window.InteractionWindow;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;

/**
 * Turns ranks into the day's {@code scores} rows and their {@code score_drivers}: pure DataFrame
 * transforms. Expressions mirror {@link ScoreMath}, which the tests hold them to.
 */
public final class ScoreTransforms {
  private ScoreTransforms() {}

  /**
   * Today's scores: everyone in today's graph, plus everyone scored yesterday who is not (they
   * drift down until they reach the floor, then leave the table).
   *
   * @param nodes {@link InfluenceGraph#nodes}
   * @param ranks (person_id, rank); people missing have the teleport rank 1 - d
   * @param previous yesterday's scores (person_id, score), possibly empty
   */
  public static Dataset<Row> scores(
      Dataset<Row> nodes,
      Dataset<Row> ranks,
      Dataset<Row> previous,
      LocalDate day,
      ScoringParams p) {
    return withRank(unranked(nodes, ranks, previous, day, p));
  }

  /**
   * {@link #scores} without its {@code rank}, which needs every row: a job caches these rows and
   * ranks the cache ({@link #withRank}), so nothing before it is computed twice.
   */
  public static Dataset<Row> unranked(
      Dataset<Row> nodes,
      Dataset<Row> ranks,
      Dataset<Row> previous,
      LocalDate day,
      ScoringParams p) {
    double teleport = 1 - p.damping();
    Dataset<Row> today =
        nodes
            .join(
                ranks.select(col("person_id").as("_rp"), col("rank").as("_rank")),
                col("person_id").equalTo(col("_rp")),
                "left")
            .withColumn("propagated_rank", coalesce(col("_rank"), lit(teleport)))
            .drop("_rp", "_rank")
            .withColumn(
                "outreach_bonus",
                bround(
                    lit(p.outreachWeight())
                        .multiply(
                            lit(1).minus(exp(col("given_weight").divide(-p.outreachReference())))),
                    12))
            .withColumn("raw_influence", col("propagated_rank").plus(col("outreach_bonus")))
            .withColumn("target_score", calibrate(col("raw_influence"), p))
            .withColumn("in_graph", lit(true));
    Dataset<Row> prev =
        previous.select(col("person_id").as("_pp"), col("score").as("previous_score"));
    Column active =
        p.engagedCountsAsActive()
            ? coalesce(col("acted_today"), lit(false))
                .or(coalesce(col("engaged_today"), lit(false)))
            : coalesce(col("acted_today"), lit(false));
    Column inactive = not(active);
    Column hasPrev = col("previous_score").isNotNull();
    Column wanted =
        when(inactive, least(col("target_score"), col("previous_score").minus(p.inactivityDrop())))
            .otherwise(col("target_score"));
    Column published =
        bround(
            greatest(
                lit(ScoreMath.MIN_SCORE),
                greatest(col("previous_score").minus(p.maxDailyDrop()), col("_wanted"))),
            2);
    return today
        .join(prev, col("person_id").equalTo(col("_pp")), "full_outer")
        .withColumn("person_id", coalesce(col("person_id"), col("_pp")))
        .drop("_pp")
        .withColumn("in_graph", coalesce(col("in_graph"), lit(false)))
        // Out of the window entirely: the model has nothing for them, the floor is the target.
        .withColumn("target_score", coalesce(col("target_score"), lit(ScoreMath.MIN_SCORE)))
        .where(col("in_graph").or(col("previous_score").gt(ScoreMath.MIN_SCORE)))
        .withColumn("acted_today", coalesce(col("acted_today"), lit(false)))
        .withColumn("engaged_today", coalesce(col("engaged_today"), lit(false)))
        .withColumn("_wanted", wanted)
        .withColumn("score", when(hasPrev, published).otherwise(col("target_score")))
        .withColumn(
            "score_change", when(hasPrev, bround(col("score").minus(col("previous_score")), 2)))
        .withColumn(
            "inactivity_adjustment",
            when(hasPrev, bround(col("_wanted").minus(col("target_score")), 2)).otherwise(lit(0.0)))
        .withColumn(
            "drop_cap_adjustment",
            when(hasPrev, bround(col("score").minus(col("_wanted")), 2)).otherwise(lit(0.0)))
        .select(
            lit(day.toString()).cast("date").as("score_date"),
            col("person_id"),
            col("score"),
            col("score_change"),
            col("previous_score"),
            col("raw_influence"),
            col("propagated_rank"),
            col("outreach_bonus"),
            col("target_score"),
            col("inactivity_adjustment"),
            col("drop_cap_adjustment"),
            col("received_weight"),
            col("given_weight"),
            col("engagers"),
            col("posts"),
            col("acted_today"),
            col("engaged_today"),
            col("in_graph"),
            col("networks"),
            lit(p.modelVersion()).as("model_version"));
  }

  /**
   * Each row's place in the order (score desc, raw_influence desc nulls last, person_id): {@link
   * #rankByScore} over the whole table. Reads {@code rows} twice: give it cached rows.
   */
  public static Dataset<Row> withRank(Dataset<Row> rows) {
    return rankByScore(
        rows, "rank", List.of(), col("raw_influence").desc_nulls_last(), col("person_id"));
  }

  /**
   * Adds {@code rank}: each row's row number in the order (score desc, then {@code ties}) among the
   * rows with its values of {@code by}, without sorting all of them in one task. It is the number
   * of those rows with a higher score (from the count per score: at most 9,901 values of two
   * decimals, the only rows ordered whole) plus its row number among the rows of its own score.
   * Reads {@code rows} twice.
   */
  public static Dataset<Row> rankByScore(
      Dataset<Row> rows, String rank, List<String> by, Column... ties) {
    List<String> keys = new ArrayList<>(by);
    keys.add("score");
    Column[] group = keys.stream().map(k -> col(k).as("_r_" + k)).toArray(Column[]::new);
    Column[] partition = by.stream().map(k -> col("_r_" + k)).toArray(Column[]::new);
    Dataset<Row> above =
        rows.groupBy(group)
            .count()
            .withColumn(
                "_above",
                coalesce(
                    sum("count")
                        .over(
                            Window.partitionBy(partition)
                                .orderBy(col("_r_score").desc())
                                .rowsBetween(Window.unboundedPreceding(), -1)),
                    lit(0L)))
            .drop("count");
    Column same = lit(true);
    for (String k : keys) {
      same = same.and(col(k).eqNullSafe(col("_r_" + k)));
    }
    return rows.withColumn(
            "_within",
            row_number()
                .over(
                    Window.partitionBy(keys.stream().map(functions::col).toArray(Column[]::new))
                        .orderBy(ties)))
        .join(broadcast(above), same)
        .withColumn(rank, col("_above").plus(col("_within")).cast("int"))
        .drop(
            Stream.concat(Stream.of("_above", "_within"), keys.stream().map(k -> "_r_" + k))
                .toArray(String[]::new));
  }

  /**
   * base + points-per-decade * log10(influence / (1 - d)) (or log10(1 + (influence - (1 - d)) / u)
   * with a calibration-unit u), bent towards 100 above soft-top-from, clamped to 1-100, two
   * decimals: {@link ScoreMath#calibrate}.
   */
  static Column calibrate(Column influence, ScoringParams p) {
    double teleport = 1 - p.damping();
    double u = p.calibrationUnit();
    Column decades =
        u > 0
            ? log10(lit(1).plus(greatest(lit(0.0), influence.minus(teleport)).divide(u)))
            : log10(influence.divide(teleport));
    Column s = lit(p.calibrationBase()).plus(lit(p.calibrationPointsPerDecade()).multiply(decades));
    double k = p.softTopFrom();
    Column bent =
        k >= ScoreMath.MAX_SCORE
            ? s
            : when(
                    s.gt(k),
                    lit(ScoreMath.MAX_SCORE)
                        .minus(
                            lit(ScoreMath.MAX_SCORE - k)
                                .multiply(exp(s.minus(k).divide(-(ScoreMath.MAX_SCORE - k))))))
                .otherwise(s);
    return bround(least(lit(ScoreMath.MAX_SCORE), greatest(lit(ScoreMath.MIN_SCORE), bent)), 2);
  }

  /**
   * What drove each score: the top engagers and posts by their share of the propagated rank, the
   * top engagers of the day itself, the outreach bonus, and the parts of the day's change in points
   * ({@code model_change + inactivity_decay + drop_cap = score_change}).
   */
  public static Dataset<Row> drivers(
      Dataset<Row> edges,
      Dataset<Row> ranks,
      Dataset<Row> personEvents,
      Dataset<Row> scores,
      LocalDate day,
      ScoringParams p) {
    Dataset<Row> srcRank =
        ranks.select(
            col("person_id").as("_s"),
            col("rank").as("_src_rank"),
            col("first_order").as("_src_first"));
    double d = p.damping();
    // What u passed to v: d p r(u) when ranks are iterated; with two hops, its vote times the
    // teleport rank plus the relay of its own first-order rank (TwoHop).
    Column passed =
        ScoringParams.TWO_HOP.equals(p.propagation())
            ? lit(d)
                .multiply(col("p"))
                .multiply(1 - d)
                .plus(lit(d * p.secondHopWeight()).multiply(col("q")).multiply(col("_src_first")))
            : lit(d).multiply(col("p")).multiply(col("_src_rank"));
    Dataset<Row> contrib =
        edges
            .join(srcRank, col("src").equalTo(col("_s")))
            .select(col("src"), col("dst"), bround(passed, 12).as("contribution"));
    // Each pair's contribution split over the posts it engaged with, and over today vs before.
    Dataset<Row> pairWeights =
        InteractionWindow.between(personEvents)
            .select(
                col("actor_person").as("src"),
                col("target_person").as("dst"),
                col("post_id"),
                col("weight"),
                when(col("age_days").equalTo(0), col("weight"))
                    .otherwise(lit(0.0))
                    .as("weight_today"))
            // Exactly, as the shares' sums below: the total is the same in any row order.
            .withColumn(
                "_pair_total", exactSum(col("weight"), 15, Window.partitionBy("src", "dst")));
    Dataset<Row> withShares =
        pairWeights
            .join(
                contrib.select(col("src").as("_cs"), col("dst").as("_cd"), col("contribution")),
                col("src").equalTo(col("_cs")).and(col("dst").equalTo(col("_cd"))))
            .drop("_cs", "_cd")
            .withColumn(
                "_part",
                when(
                        col("_pair_total").gt(0),
                        col("contribution").multiply(col("weight")).divide(col("_pair_total")))
                    .otherwise(lit(0.0)))
            .withColumn(
                "_today",
                when(
                        col("_pair_total").gt(0),
                        col("contribution")
                            .multiply(col("weight_today"))
                            .divide(col("_pair_total")))
                    .otherwise(lit(0.0)));
    // Engagers, posts and new engagers from one pass over the shares: each share counted once
    // under its engager (as engager and as new engager: the same key) and once under its post,
    // then summed per person, kind and driver. Every share of a pair carries the pair's whole
    // contribution, so the engager's value is its maximum. One shuffle by person serves the sums
    // and top's ranking; a new engager of nothing today adds nothing, so it is left out.
    Column none = lit(null).cast("double");
    Dataset<Row> ranked =
        top(
            withShares
                .select(
                    col("dst").as("person_id"),
                    explode(
                            array(
                                share("engager", col("src"), col("contribution"), col("_today")),
                                share("post", col("post_id"), none, col("_part"))))
                        .as("d"))
                .where(col("d.driver_id").isNotNull())
                .repartition(col("person_id"))
                .groupBy(
                    col("person_id"), col("d.kind").as("_kind"), col("d.driver_id").as("driver_id"))
                .agg(
                    max("d.engager").as("_engager"),
                    bround(exactSum(col("d.sum"), 15), 12).as("_sum"))
                .select(
                    col("person_id"),
                    explode(
                            when(
                                    col("_kind").equalTo("engager"),
                                    array(
                                        driver("engager", col("driver_id"), col("_engager")),
                                        driver("new_engager", col("driver_id"), col("_sum"))))
                                .otherwise(array(driver("post", col("driver_id"), col("_sum")))))
                        .as("d"))
                .select(
                    col("person_id"),
                    col("d.kind").as("kind"),
                    col("d.driver_id").as("driver_id"),
                    col("d.value").as("value"))
                .where(col("kind").notEqual("new_engager").or(col("value").gt(0))),
            p);
    // The drivers each score row has by itself, from one pass over the scores: each is null where
    // the row has none.
    Dataset<Row> fromScores =
        scores
            .select(
                col("person_id"),
                explode(
                        array(
                            own(
                                "outreach",
                                when(col("outreach_bonus").gt(0), col("outreach_bonus")),
                                "rank"),
                            own(
                                "model_change",
                                when(
                                    col("previous_score").isNotNull(),
                                    bround(col("target_score").minus(col("previous_score")), 2)),
                                "points"),
                            own(
                                "inactivity_decay",
                                nonZero(col("inactivity_adjustment")),
                                "points"),
                            own("drop_cap", nonZero(col("drop_cap_adjustment")), "points")))
                    .as("o"))
            .where(col("o.value").isNotNull())
            .select(
                col("person_id"),
                col("o.kind").as("kind"),
                lit(null).cast("string").as("driver_id"),
                col("o.value").as("value"),
                col("o.unit").as("unit"),
                lit(null).cast("double").as("share"),
                lit(1).as("position"));
    return ranked
        .unionByName(fromScores)
        .select(
            lit(day.toString()).cast("date").as("score_date"),
            col("person_id"),
            col("kind"),
            col("position"),
            col("driver_id"),
            col("value"),
            col("unit"),
            col("share"));
  }

  /** The value where it is not 0, else null. */
  private static Column nonZero(Column value) {
    return when(value.notEqual(0), value);
  }

  /** A driver a score row has by itself, as {@code drivers} explodes it. */
  private static Column own(String kind, Column value, String unit) {
    return struct(lit(kind).as("kind"), value.as("value"), lit(unit).as("unit"));
  }

  /**
   * One share under one driver, as the struct {@code drivers} explodes before summing: under its
   * engager, the pair's contribution (whose maximum is the engager's value) and today's part of it
   * (summed: the new engager's value); under its post, the part of the contribution (summed).
   */
  private static Column share(String kind, Column driverId, Column engager, Column sum) {
    return struct(
        lit(kind).as("kind"), driverId.as("driver_id"), engager.as("engager"), sum.as("sum"));
  }

  /** One driver of a kind, as the struct {@code drivers} explodes. */
  private static Column driver(String kind, Column driverId, Column value) {
    return struct(lit(kind).as("kind"), driverId.as("driver_id"), value.as("value"));
  }

  /**
   * The top {@code drivers-per-person} rows per person and kind by value, with their share of the
   * person's total of that kind.
   */
  static Dataset<Row> top(Dataset<Row> rows, ScoringParams p) {
    // One sort serves both: the total runs over the whole ordered partition, so it also adds up
    // in the same order on every run.
    WindowSpec byValue =
        Window.partitionBy("person_id", "kind").orderBy(col("value").desc(), col("driver_id"));
    return rows.withColumn(
            "share",
            // No share when nothing was passed (an exchange the mutual discount removed whole).
            bround(
                try_divide(
                    col("value"),
                    sum("value")
                        .over(
                            byValue.rowsBetween(
                                Window.unboundedPreceding(), Window.unboundedFollowing()))),
                9))
        .withColumn("position", row_number().over(byValue))
        .where(col("position").leq(p.driversPerPerson()))
        .select(
            col("person_id"),
            col("kind"),
            col("driver_id"),
            col("value"),
            lit("rank").as("unit"),
            col("share"),
            col("position"));
  }
}
