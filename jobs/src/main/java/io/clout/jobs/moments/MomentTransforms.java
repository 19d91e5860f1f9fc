package io.clout.jobs.moments;

import static io.clout.jobs.score.Rounded.exactSum;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.bit_or;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.clout.common.config.CloutConfig;
import io.clout.common.events.EventType;
import io.clout.common.scoring.ScoreMath;
import io.clout.common.scoring.ScoringParams;
import io.clout.jobs.window.InteractionWindow;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Moments, outreach, unanswered influencers and engagement breakdowns from the window's person
 * events and the day's scores: pure DataFrame transforms.
 */
public final class MomentTransforms {
  /** In {@link #breakdown}'s key, a type's number is this plus its ordinal; an hour is itself. */
  private static final int TYPES = 100;

  /** In {@link #breakdown}'s key, the number every network shares: its name is a key of its own. */
  private static final int NETWORK = 200;

  private MomentTransforms() {}

  /**
   * Engagements received from someone else, with the engager's score on the day (1 if unscored) and
   * the type weight: what moments, unanswered influencers and the breakdown read. The job caches
   * it, so the window is joined with the day's scores once, not once per table.
   */
  public static Dataset<Row> received(
      Dataset<Row> personEvents, Dataset<Row> dayScores, ScoringParams p) {
    // The day's scores, one row per person, are the hashed side: the window's rows are not sorted
    // by engager just to meet them (a sort-merge join), and nothing after needs that order.
    return InteractionWindow.between(personEvents)
        .join(
            dayScores
                .select(col("person_id").as("_sp"), col("score").as("engager_score"))
                .hint("shuffle_hash"),
            col("actor_person").equalTo(col("_sp")),
            "left")
        .drop("_sp")
        .withColumn("engager_score", coalesce(col("engager_score"), lit(ScoreMath.MIN_SCORE)))
        .withColumn("type_weight", InteractionWindow.typeWeight(p));
  }

  /**
   * The received engagements ({@link #received}) on a post of the person engaged with: what moments
   * are made of. The job caches it, as moments reads it twice (per engager and per post).
   */
  public static Dataset<Row> onPosts(Dataset<Row> personEvents, Dataset<Row> received) {
    return received
        .join(
            authors(personEvents),
            col("network").equalTo(col("_an")).and(col("post_id").equalTo(col("_ap"))))
        .where(col("target_person").equalTo(col("_author")));
  }

  /**
   * Each person's top posts: moment_score = Σ type weight × engager's score, so an engagement from
   * someone scoring 70 counts more than one from someone scoring 15. Every engager is listed,
   * highest score first.
   *
   * @param onPosts {@link #onPosts}
   */
  public static Dataset<Row> moments(
      Dataset<Row> personEvents, Dataset<Row> onPosts, LocalDate day, CloutConfig.Moments m) {
    Dataset<Row> perEngager =
        onPosts
            .groupBy(
                col("target_person"),
                col("network"),
                col("post_id"),
                col("actor_person"),
                col("actor_id"))
            .agg(
                typeBits().as("_types"),
                count(lit(1)).as("engagements"),
                max("engager_score").as("score"))
            .withColumn("types", types(col("_types")))
            .drop("_types");
    // Only the highest-scoring engagers of a post are listed: ranked by a window, which sorts with
    // spilling, so a post with a million engagers costs a sort, not a million-element row.
    Dataset<Row> engagers =
        perEngager
            .withColumn(
                "_rank",
                row_number()
                    .over(
                        Window.partitionBy("target_person", "network", "post_id")
                            .orderBy(col("score").desc(), col("actor_person"))))
            .where(col("_rank").leq(m.maxEngagers()))
            .groupBy(
                col("target_person").as("_t"), col("network").as("_n"), col("post_id").as("_p"))
            .agg(
                collect_list(
                        struct(
                            col("actor_person").as("person_id"),
                            col("actor_id").as("account_id"),
                            col("network"),
                            col("types"),
                            col("engagements"),
                            col("score")))
                    .as("engagers"))
            .withColumn(
                "engagers",
                expr(
                    "array_sort(engagers, (l, r) -> CASE WHEN l.score > r.score THEN -1 WHEN l.score < r.score THEN 1 "
                        + "WHEN l.person_id < r.person_id THEN -1 WHEN l.person_id > r.person_id THEN 1 ELSE 0 END)"));
    Dataset<Row> posted =
        personEvents
            .where(col("type").equalTo("post"))
            .groupBy(col("network").as("_pn"), col("post_id").as("_pp"))
            .agg(min("occurred_at").as("posted_at"));
    Dataset<Row> stats =
        onPosts
            .groupBy(col("target_person").as("person_id"), col("network"), col("post_id"))
            .agg(
                exactSum(col("type_weight").multiply(col("engager_score")), 9).as("moment_score"),
                count(lit(1)).as("engagements"),
                countDistinct("actor_person").as("distinct_engagers"),
                typeCount("like"),
                typeCount("comment"),
                typeCount("reply"),
                typeCount("share"),
                typeCount("mention"),
                min("occurred_at").as("first_engagement_at"),
                max("occurred_at").as("last_engagement_at"));
    return stats
        .withColumn(
            "position",
            row_number()
                .over(
                    Window.partitionBy("person_id")
                        .orderBy(col("moment_score").desc(), col("post_id"))))
        .where(col("position").leq(m.topK()))
        .join(
            engagers,
            col("person_id")
                .equalTo(col("_t"))
                .and(col("network").equalTo(col("_n")))
                .and(col("post_id").equalTo(col("_p"))))
        .join(
            posted,
            col("network").equalTo(col("_pn")).and(col("post_id").equalTo(col("_pp"))),
            "left")
        .select(
            lit(day.toString()).cast("date").as("score_date"),
            col("person_id"),
            col("position"),
            col("network"),
            col("post_id"),
            col("posted_at"),
            col("moment_score"),
            col("engagements"),
            col("distinct_engagers"),
            col("likes"),
            col("comments"),
            col("replies"),
            col("shares"),
            col("mentions"),
            col("first_engagement_at"),
            col("last_engagement_at"),
            col("engagers"));
  }

  /**
   * Each post's author: the actor of its post event where the window has it, else the target of its
   * likes, comments and shares (which by contract target the author; a reply's or mention's target
   * need not be the author).
   */
  static Dataset<Row> authors(Dataset<Row> personEvents) {
    return personEvents
        .where(col("post_id").isNotNull().and(col("type").isin("post", "like", "comment", "share")))
        .groupBy(col("network").as("_an"), col("post_id").as("_ap"))
        .agg(
            coalesce(
                    min(when(col("type").equalTo("post"), col("actor_person"))),
                    min("target_person"))
                .as("_author"));
  }

  /**
   * Whom each person reached out to through comments, replies and mentions, how often, and whether
   * the other answered: engaged back with them at or after the first outreach.
   *
   * <p>Both directions of a pair, u -> v and v -> u, share one shuffle on the unordered pair (lo,
   * hi), as in the graph's edges: each side's first outreach is a window over the pair, and one
   * aggregation per pair sums both directions, each answered by the other side's rows.
   */
  public static Dataset<Row> outreach(
      Dataset<Row> personEvents, Dataset<Row> dayScores, LocalDate day) {
    Column fromLo = col("actor_person").equalTo(col("_lo"));
    Column[] sums =
        Stream.concat(
                Arrays.stream(direction("_lo", fromLo, col("_lo_first"))),
                Arrays.stream(direction("_hi", not(fromLo), col("_hi_first"))))
            .toArray(Column[]::new);
    WindowSpec pair = Window.partitionBy("_lo", "_hi");
    Dataset<Row> pairs =
        InteractionWindow.between(personEvents)
            .withColumn("_lo", least(col("actor_person"), col("target_person")))
            .withColumn("_hi", greatest(col("actor_person"), col("target_person")))
            .repartition(col("_lo"), col("_hi"))
            // Both in one select, so that one window operator computes them.
            .withColumns(
                Map.of(
                    "_lo_first",
                    min(when(reaching(fromLo), col("occurred_at"))).over(pair),
                    "_hi_first",
                    min(when(reaching(not(fromLo)), col("occurred_at"))).over(pair)))
            .groupBy(col("_lo"), col("_hi"))
            .agg(sums[0], Arrays.copyOfRange(sums, 1, sums.length));
    return pairs
        .select(explode(array(side("_lo", "_hi"), side("_hi", "_lo"))).as("o"))
        .select("o.*")
        .where(col("total").gt(0))
        // Scores hashed, as in received: the directions are not sorted by the person reached.
        .join(
            dayScores
                .select(col("person_id").as("_sp"), col("score").as("reached_score"))
                .hint("shuffle_hash"),
            col("reached_id").equalTo(col("_sp")),
            "left")
        .select(
            lit(day.toString()).cast("date").as("score_date"),
            col("person_id"),
            col("reached_id"),
            col("reached_score"),
            col("comments"),
            col("replies"),
            col("mentions"),
            col("total"),
            col("first_at"),
            col("last_at"),
            col("answered_at").isNotNull().as("answered"),
            col("answered_at"));
  }

  /** The outreach types, on the rows {@code from} selects. */
  private static Column reaching(Column from) {
    return from.and(col("type").isin("comment", "reply", "mention"));
  }

  /**
   * One direction's sums over its pair's rows, named after its side ({@code _lo} or {@code _hi}):
   * the outreach of the rows {@code from} selects, answered by the first of the other rows that is
   * no follow and comes at or after {@code first}, this side's first outreach.
   */
  private static Column[] direction(String name, Column from, Column first) {
    Column t = col("occurred_at");
    Column answers = not(from).and(col("type").notEqual("follow")).and(t.geq(first));
    return new Column[] {
      typeCount(from, "comment").as(name + "_comments"),
      typeCount(from, "reply").as(name + "_replies"),
      typeCount(from, "mention").as(name + "_mentions"),
      count(when(reaching(from), 1)).as(name + "_total"),
      min(when(reaching(from), t)).as(name + "_first_at"),
      max(when(reaching(from), t)).as(name + "_last_at"),
      min(when(answers, t)).as(name + "_answered_at")
    };
  }

  /** A pair's {@link #direction} from {@code name}'s side to {@code other}'s, as one struct. */
  private static Column side(String name, String other) {
    return struct(
        col(name).as("person_id"),
        col(other).as("reached_id"),
        col(name + "_comments").as("comments"),
        col(name + "_replies").as("replies"),
        col(name + "_mentions").as("mentions"),
        col(name + "_total").as("total"),
        col(name + "_first_at").as("first_at"),
        col(name + "_last_at").as("last_at"),
        col(name + "_answered_at").as("answered_at"));
  }

  /**
   * Engagers scoring at least max(min-score, own score + margin) whom the person never replied to
   * or engaged with after their first engagement.
   */
  public static Dataset<Row> unansweredInfluencers(
      Dataset<Row> personEvents,
      Dataset<Row> received,
      Dataset<Row> dayScores,
      LocalDate day,
      CloutConfig.Moments m) {
    // An engager's score is the same on each of their rows, so engagers below the lowest threshold
    // are dropped before the aggregation rather than after it.
    Dataset<Row> engagedBy =
        received
            .where(col("engager_score").geq(m.unansweredMinScore()))
            .groupBy(col("target_person").as("person_id"), col("actor_person").as("engager_id"))
            .agg(
                max("engager_score").as("engager_score"),
                count(lit(1)).as("engagements"),
                typeBits().as("_types"),
                min("occurred_at").as("first_engaged_at"),
                max("occurred_at").as("last_engaged_at"))
            .withColumn("types", types(col("_types")))
            .drop("_types");
    Dataset<Row> own = dayScores.select(col("person_id").as("_op"), col("score").as("own_score"));
    Dataset<Row> responses =
        InteractionWindow.between(personEvents)
            .select(
                col("actor_person").as("_ra"),
                col("target_person").as("_rt"),
                col("occurred_at").as("_rat"));
    return engagedBy
        .join(own, col("person_id").equalTo(col("_op")), "left")
        .withColumn(
            "threshold",
            greatest(
                lit(m.unansweredMinScore()),
                coalesce(col("own_score"), lit(ScoreMath.MIN_SCORE)).plus(m.unansweredMargin())))
        .where(col("engager_score").geq(col("threshold")))
        .join(
            responses,
            col("_ra")
                .equalTo(col("person_id"))
                .and(col("_rt").equalTo(col("engager_id")))
                .and(col("_rat").geq(col("first_engaged_at"))),
            "left_anti")
        .select(
            lit(day.toString()).cast("date").as("score_date"),
            col("person_id"),
            col("own_score"),
            col("engager_id"),
            col("engager_score"),
            col("threshold"),
            col("engagements"),
            col("types"),
            col("first_engaged_at"),
            col("last_engaged_at"));
  }

  /**
   * Engagement received in the window, by network, by engagement type and by UTC hour of day: each
   * received engagement counted once under each dimension, in one aggregation. That aggregation
   * takes three rows per received engagement and keeps each (person, value, engager), so a value is
   * a number there ({@link #TYPES}, {@link #NETWORK}; an hour is itself, 0 to 23) with only a
   * network's name beside it, and the dimension's and value's strings are put back on its result.
   * The window holds only the contract's types (ingest quarantines any other), so every row has a
   * type's number.
   */
  public static Dataset<Row> breakdown(Dataset<Row> received, LocalDate day) {
    Column none = lit(null).cast("string");
    Column dimensions =
        array(
            struct(lit(NETWORK).as("code"), col("network").as("network")),
            struct(typeCode().as("code"), none.as("network")),
            struct(hour(col("occurred_at")).as("code"), none.as("network")));
    Column code = col("_code");
    return received
        .select(
            col("target_person").as("person_id"),
            col("actor_person"),
            col("type_weight"),
            col("engager_score"),
            explode(dimensions).as("d"))
        .groupBy(col("person_id"), col("d.code").as("_code"), col("d.network").as("_network"))
        .agg(
            count(lit(1)).as("engagements"),
            countDistinct("actor_person").as("engagers"),
            exactSum(col("type_weight"), 9).as("weight"),
            exactSum(col("type_weight").multiply(col("engager_score")), 9).as("weighted_by_score"))
        .select(
            lit(day.toString()).cast("date").as("score_date"),
            col("person_id"),
            when(code.equalTo(NETWORK), lit("network"))
                .when(code.geq(TYPES), lit("engagement_type"))
                .otherwise(lit("hour_of_day"))
                .as("dimension"),
            when(code.equalTo(NETWORK), col("_network"))
                .when(code.geq(TYPES), typeName(code.minus(TYPES)))
                .otherwise(code.cast("string"))
                .as("value"),
            col("engagements"),
            col("engagers"),
            col("weight"),
            col("weighted_by_score"));
  }

  /** The row's type as its number in {@link #breakdown}'s key. */
  private static Column typeCode() {
    return ofType(t -> lit(TYPES + t.ordinal()), lit(null).cast("int"));
  }

  /** The wire name of the type with this ordinal. */
  private static Column typeName(Column ordinal) {
    Column name = lit(null).cast("string");
    for (EventType t : EventType.values()) {
      name = when(ordinal.equalTo(t.ordinal()), lit(t.wire())).otherwise(name);
    }
    return name;
  }

  /**
   * The distinct engagement types of a group as one bit per {@link EventType}: what {@code
   * collect_set(type)} gives, as an aggregation Spark hashes (a set of strings makes it sort).
   */
  private static Column typeBits() {
    return bit_or(ofType(t -> lit(1 << t.ordinal()), lit(0)));
  }

  /** What {@code value} gives for the row's type, or {@code otherwise} when it is none of them. */
  private static Column ofType(Function<EventType, Column> value, Column otherwise) {
    Column c = otherwise;
    for (EventType t : EventType.values()) {
      c = when(col("type").equalTo(t.wire()), value.apply(t)).otherwise(c);
    }
    return c;
  }

  /** The types whose bits are set ({@link #typeBits}), in name order. */
  private static Column types(Column bits) {
    return array_compact(
        array(
            Arrays.stream(EventType.values())
                .sorted(Comparator.comparing(EventType::wire))
                .map(t -> when(bits.bitwiseAND(lit(1 << t.ordinal())).notEqual(0), lit(t.wire())))
                .toArray(Column[]::new)));
  }

  private static Column typeCount(String type) {
    return typeCount(lit(true), type).as(type.equals("reply") ? "replies" : type + "s");
  }

  /** How many of the rows {@code of} selects have the type. */
  private static Column typeCount(Column of, String type) {
    return sum(when(of.and(col("type").equalTo(type)), 1).otherwise(0)).cast("long");
  }
}
