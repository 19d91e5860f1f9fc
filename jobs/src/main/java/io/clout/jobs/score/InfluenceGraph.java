package io.clout.jobs.score;

import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.clout.common.scoring.ScoringParams;
import io.clout.jobs.window.InteractionWindow;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Builds the person-to-person interaction graph of one scoring day from {@code engagements} and
 * {@code identities}: pure DataFrame transforms, no IO. docs/scoring.md gives the formulas; the
 * column expressions here mirror {@link io.clout.common.scoring.ScoreMath}.
 */
public final class InfluenceGraph {
  private InfluenceGraph() {}

  /**
   * Edges src -> dst with the pair weight {@code a} (per-day saturation, then age decay, summed),
   * the weight {@code b} after the mutual discount, {@code c} after the target's output factor, the
   * vote {@code p = c / max(vote-floor, sum of a over src's edges)} and the plain share {@code q =
   * c / sum of a over src's edges}.
   */
  public static Dataset<Row> edges(Dataset<Row> personEvents, LocalDate day, ScoringParams p) {
    Dataset<Row> between = InteractionWindow.between(personEvents);
    Column cap = lit(p.pairDayCap());
    // Both directions of a pair, u -> v and v -> u, share one shuffle on the unordered pair
    // (lo, hi): the per-day and per-pair sums and the reverse weight then need no other.
    Column lo = least(col("actor_person"), col("target_person"));
    Column hi = greatest(col("actor_person"), col("target_person"));
    Dataset<Row> pairs =
        between
            .repartition(lo, hi)
            .groupBy(
                lo.as("_lo"),
                hi.as("_hi"),
                col("actor_person").as("src"),
                col("target_person").as("dst"),
                col("event_date"),
                col("age_days"))
            .agg(sum(InteractionWindow.typeWeight(p)).as("s"))
            .withColumn(
                "v",
                cap.multiply(lit(1).minus(exp(col("s").divide(cap).multiply(-1))))
                    .multiply(pow(lit(0.5), col("age_days").divide(p.halfLifeDays()))))
            .groupBy("_lo", "_hi", "src", "dst")
            // Rounded far below any visible digit: a sum of doubles depends on the order Spark
            // adds them in, and a rerun must give the same bits.
            .agg(bround(sum("v"), 12).as("a"));
    Dataset<Row> posts = posts(personEvents);
    // The reverse weight is the other row's a (a pair has at most two rows, one each way).
    WindowSpec pair = Window.partitionBy("_lo", "_hi");
    Column fromLo = max(when(col("src").equalTo(col("_lo")), col("a"))).over(pair);
    Column fromHi = max(when(col("src").equalTo(col("_hi")), col("a"))).over(pair);
    return pairs
        .withColumn(
            "a_reverse",
            coalesce(when(col("src").equalTo(col("_lo")), fromHi).otherwise(fromLo), lit(0.0)))
        .drop("_lo", "_hi")
        .withColumn(
            "b",
            col("a")
                .minus(
                    lit(p.mutualPenalty())
                        .multiply(
                            greatest(
                                lit(0.0),
                                least(col("a"), col("a_reverse")).minus(p.mutualThreshold())))))
        .join(
            posts.select(col("person_id").as("_p"), col("posts").as("dst_posts")),
            col("dst").equalTo(col("_p")),
            "left")
        .drop("_p")
        .withColumn("dst_posts", coalesce(col("dst_posts"), lit(0L)))
        .withColumn(
            "output_factor",
            when(col("dst_posts").leq(p.outputReferencePosts()), lit(1.0))
                .otherwise(
                    pow(col("dst_posts").divide(p.outputReferencePosts()), -p.outputExponent())))
        .withColumn("c", col("b").multiply(col("output_factor")))
        .withColumn("_out", sum("a").over(Window.partitionBy("src")))
        // p is the vote an engager passes (capped by vote-floor), q its plain share (clout-1's p).
        .withColumn("p", bround(col("c").divide(greatest(lit(p.voteFloor()), col("_out"))), 12))
        .withColumn("q", bround(col("c").divide(col("_out")), 12))
        .drop("_out");
  }

  /** Posts each person authored in the window. */
  public static Dataset<Row> posts(Dataset<Row> personEvents) {
    return personEvents
        .where(col("type").equalTo("post"))
        .groupBy(col("actor_person").as("person_id"))
        .agg(count("*").as("posts"));
  }

  /**
   * Every person in the window with what scoring needs besides rank: posts, weight given to others
   * (after the discounts), whether they acted on the scoring day and whether someone engaged with
   * them that day, and their networks.
   */
  public static Dataset<Row> nodes(Dataset<Row> personEvents, Dataset<Row> edges, LocalDate day) {
    Dataset<Row> asActor =
        personEvents.select(
            col("actor_person").as("person_id"),
            col("network"),
            col("event_date"),
            lit(true).as("acted"));
    Dataset<Row> asTarget =
        personEvents
            .where(col("target_person").isNotNull())
            .select(
                col("target_person").as("person_id"),
                col("network"),
                col("event_date"),
                lit(false).as("acted"));
    Dataset<Row> people =
        asActor
            .unionByName(asTarget)
            .groupBy("person_id")
            .agg(
                sort_array(collect_set("network")).as("networks"),
                max(when(
                            col("acted")
                                .and(col("event_date").equalTo(lit(day.toString()).cast("date"))),
                            lit(true))
                        .otherwise(lit(false)))
                    .as("acted_today"));
    Dataset<Row> engagedToday =
        InteractionWindow.between(personEvents)
            .where(col("event_date").equalTo(lit(day.toString()).cast("date")))
            .select(col("target_person").as("_e"))
            .distinct();
    Dataset<Row> given =
        edges.groupBy(col("src").as("_g")).agg(bround(sum("b"), 9).as("given_weight"));
    Dataset<Row> received =
        edges
            .groupBy(col("dst").as("_r"))
            .agg(bround(sum("c"), 9).as("received_weight"), countDistinct("src").as("engagers"));
    return people
        .join(
            posts(personEvents).withColumnRenamed("person_id", "_p"),
            col("person_id").equalTo(col("_p")),
            "left")
        .join(given, col("person_id").equalTo(col("_g")), "left")
        .join(received, col("person_id").equalTo(col("_r")), "left")
        .join(engagedToday, col("person_id").equalTo(col("_e")), "left")
        .select(
            col("person_id"),
            col("networks"),
            col("acted_today"),
            col("_e").isNotNull().as("engaged_today"),
            coalesce(col("posts"), lit(0L)).as("posts"),
            coalesce(col("given_weight"), lit(0.0)).as("given_weight"),
            coalesce(col("received_weight"), lit(0.0)).as("received_weight"),
            coalesce(col("engagers"), lit(0L)).as("engagers"));
  }
}
