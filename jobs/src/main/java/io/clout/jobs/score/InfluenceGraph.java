package io.clout.jobs.score;

import static io.clout.jobs.score.Rounded.bround;
import static io.clout.jobs.score.Rounded.exactSum;
import static io.clout.jobs.score.Rounded.ofParts;
import static io.clout.jobs.score.Rounded.parts;
import static io.clout.jobs.score.Rounded.sumParts;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.clout.common.scoring.ScoringParams;
import io.clout.jobs.window.InteractionWindow;
import java.time.LocalDate;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

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
    // Both directions of a pair, u -> v and v -> u, are summed on the same row of the unordered
    // pair (lo, hi): per day (the saturation), then per pair, which also gives each direction the
    // other's weight.
    Column lo = least(col("actor_person"), col("target_person"));
    Column hi = greatest(col("actor_person"), col("target_person"));
    Column fromLo = col("actor_person").equalTo(lo);
    Column weight = InteractionWindow.typeWeight(p);
    Dataset<Row> pairs =
        between
            .select(
                lo.as("_lo"),
                hi.as("_hi"),
                col("event_date"),
                col("age_days"),
                when(fromLo, weight).as("_w_lo"),
                when(not(fromLo), weight).as("_w_hi"))
            // One shuffle by pair serves both sums (a shuffle by day would need a second).
            .repartition(col("_lo"), col("_hi"))
            .groupBy("_lo", "_hi", "event_date", "age_days")
            // Summed exactly (Rounded.exactSum): a sum of doubles depends on the order Spark adds
            // them in, and a rerun must give the same bits.
            .agg(exactSum(col("_w_lo"), 15).as("_s_lo"), exactSum(col("_w_hi"), 15).as("_s_hi"))
            .groupBy("_lo", "_hi")
            .agg(
                bround(exactSum(saturated(col("_s_lo"), p), 15), 12).as("_a_lo"),
                bround(exactSum(saturated(col("_s_hi"), p), 15), 12).as("_a_hi"))
            // A direction with no engagement has no sum and no edge.
            .select(
                explode(
                        array(
                            direction(col("_lo"), col("_hi"), col("_a_lo"), col("_a_hi")),
                            direction(col("_hi"), col("_lo"), col("_a_hi"), col("_a_lo"))))
                    .as("e"))
            .where(col("e.a").isNotNull())
            .select(
                col("e.src").as("src"),
                col("e.dst").as("dst"),
                col("e.a").as("a"),
                coalesce(col("e.a_reverse"), lit(0.0)).as("a_reverse"));
    Dataset<Row> posts = posts(personEvents);
    return pairs
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
        // Each a has 12 decimals: summed as units, the same in any order.
        .withColumn("_out", exactSum(col("a"), 12, Window.partitionBy("src")))
        // p is the vote an engager passes (capped by vote-floor), q its plain share (clout-1's p).
        .withColumn("p", bround(col("c").divide(greatest(lit(p.voteFloor()), col("_out"))), 12))
        .withColumn("q", bround(col("c").divide(col("_out")), 12))
        .drop("_out");
  }

  /**
   * A pair's weight of one day: its engagements' type weights {@code s} saturated at the per-day
   * cap, {@code cap (1 - e^(-s / cap))}, then decayed by age. Null when the day has none.
   */
  private static Column saturated(Column s, ScoringParams p) {
    Column cap = lit(p.pairDayCap());
    return cap.multiply(lit(1).minus(exp(s.divide(cap).multiply(-1))))
        .multiply(pow(lit(0.5), col("age_days").divide(p.halfLifeDays())));
  }

  /** One direction of a pair, as {@link #edges} explodes it. */
  private static Column direction(Column src, Column dst, Column a, Column reverse) {
    return struct(src.as("src"), dst.as("dst"), a.as("a"), reverse.as("a_reverse"));
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
   *
   * <p>One aggregation: each event is a row of its actor and one of its target, each edge one of
   * its source and one of its target, each row carrying what it adds to its person. They are summed
   * per person and network first, where Spark's hash aggregation applies, and the few rows per
   * person are then gathered with their networks.
   */
  public static Dataset<Row> nodes(Dataset<Row> personEvents, Dataset<Row> edges, LocalDate day) {
    Column today = col("event_date").equalTo(lit(day.toString()).cast("date"));
    // Weights given and received as units of 10^-15, each as Rounded's three longs (an edge's
    // weight is at most the per-day cap times the window's days): summed exactly, so a person's
    // totals are the same whatever order their thousands of edges are added in, and rounded to 9
    // decimals after.
    int scale = 15;
    Column none = lit(null).cast("double");
    Dataset<Row> roles =
        personEvents
            .select(
                col("network"),
                explode(
                        array(
                            role(
                                col("actor_person"),
                                today,
                                col("type").equalTo("post"),
                                lit(false)),
                            role(
                                col("target_person"),
                                lit(false),
                                lit(false),
                                // Engaged with by someone else on the day (as in between).
                                today
                                    .and(col("type").notEqual("post"))
                                    .and(col("actor_person").notEqual(col("target_person"))))))
                    .as("r"))
            .where(col("r.person_id").isNotNull())
            .select(
                columns(
                    new Column[] {
                      col("r.person_id").as("person_id"),
                      col("network"),
                      col("r.acted").as("acted"),
                      col("r.post").cast("int").as("post"),
                      col("r.engaged").as("engaged"),
                      lit(null).cast("int").as("engager")
                    },
                    parts(none, scale, "given"),
                    parts(none, scale, "received")));
    // A person's edges in: (src, dst) is unique in edges, so counting them counts engagers.
    Dataset<Row> edgeRoles =
        edges
            .select(
                columns(
                    new Column[] {col("src").as("person_id"), lit(null).cast("int").as("engager")},
                    parts(col("b"), scale, "given"),
                    parts(none, scale, "received")))
            .unionByName(
                edges.select(
                    columns(
                        new Column[] {col("dst").as("person_id"), lit(1).as("engager")},
                        parts(none, scale, "given"),
                        parts(col("c"), scale, "received"))))
            .select(
                col("*"),
                lit(null).cast("string").as("network"),
                lit(false).as("acted"),
                lit(0).as("post"),
                lit(false).as("engaged"));
    return roles
        .unionByName(edgeRoles)
        .groupBy("person_id", "network")
        .agg(
            max("acted").as("acted"),
            columns(
                new Column[] {
                  sum("post").as("posts"),
                  max("engaged").as("engaged"),
                  count("engager").as("engagers")
                },
                sumParts("given"),
                sumParts("received")))
        .groupBy("person_id")
        .agg(
            sort_array(collect_list("network")).as("networks"),
            columns(
                new Column[] {
                  max("acted").as("acted_today"),
                  max("engaged").as("engaged_today"),
                  sum("posts").as("posts"),
                  sum("engagers").as("engagers")
                },
                sumParts("given"),
                sumParts("received")))
        .select(
            col("person_id"),
            col("networks"),
            col("acted_today"),
            col("engaged_today"),
            col("posts"),
            bround(coalesce(ofParts("given", scale), lit(0.0)), 9).as("given_weight"),
            bround(coalesce(ofParts("received", scale), lit(0.0)), 9).as("received_weight"),
            col("engagers"));
  }

  /** The arrays' columns, in order (with {@link Rounded#parts} and {@link Rounded#sumParts}). */
  private static Column[] columns(Column[]... groups) {
    return Arrays.stream(groups).flatMap(Arrays::stream).toArray(Column[]::new);
  }

  /** What one event adds to one of its two people ({@link #nodes}). */
  private static Column role(Column person, Column acted, Column post, Column engaged) {
    return struct(
        person.as("person_id"), acted.as("acted"), post.as("post"), engaged.as("engaged"));
  }
}
