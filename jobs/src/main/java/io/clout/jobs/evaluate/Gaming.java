package io.clout.jobs.evaluate;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import io.clout.common.scoring.ScoringParams;
import io.clout.jobs.CloutException;
import io.clout.jobs.score.ScoreJob;
import io.clout.jobs.window.InteractionWindow;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The gaming catalog: each pattern is injected on one day next to an honest comparison of equal
 * activity, the day is scored again (nothing is written), and the gain is the pattern's mean score
 * minus the comparison's. docs/evaluation.md describes each pattern and its bound.
 *
 * <ul>
 *   <li>reciprocal ring: 20 accounts each engaging the 19 others 10 times, against 20 accounts with
 *       the same activity aimed at existing accounts;
 *   <li>one-way ring: 20 accounts each engaging the next 9 (no pair reciprocated) 10 times, against
 *       20 accounts that give the same to existing accounts and receive the same from 9 accounts
 *       each that form no loop;
 *   <li>mass-mentioner: one account mentioning 1,000 accounts, against a quiet account; both post
 *       once and receive the same 5 engagers x 3 likes;
 *   <li>high-volume poster: 100 posts against 5, both receiving the same 10 engagers x (like,
 *       comment);
 *   <li>like farm: 50 fresh accounts each liking one target once, against an account that posted
 *       once and received nothing.
 * </ul>
 */
public final class Gaming {
  static final String PREFIX = "clout-eval-";
  static final int RING_SIZE = 20;
  static final int ENGAGEMENTS_PER_PAIR = 10;
  static final int ONE_WAY_REACH = 9;
  static final int MENTIONED = 1000;
  static final int FARM_SIZE = 50;

  /** Each pattern's gain in points over its honest comparison. */
  public record Gains(
      double reciprocalRing,
      double oneWayRing,
      double massMentioner,
      double highVolumePoster,
      double likeFarm) {}

  public record Outcome(Evaluation.Ring ring, Gains gains) {}

  private Gaming() {}

  public static Outcome measure(
      SparkSession spark,
      Dataset<Row> engagements,
      Dataset<Row> ids,
      Dataset<Row> scores,
      LocalDate day,
      ScoringParams p) {
    Dataset<Row> recent =
        engagements.where(
            col("event_date")
                .equalTo(lit(day.toString()).cast("date"))
                .and(col("type").notEqual("post")));
    Row network =
        recent.groupBy("network").count().orderBy(col("count").desc(), col("network")).first();
    if (network == null) {
      throw new CloutException("Cannot inject gaming patterns on " + day + ": no engagements");
    }
    String net = network.getString(0);
    List<String> existing =
        recent
            .where(col("network").equalTo(net))
            .select("target_id")
            .distinct()
            .orderBy(xxhash64(col("target_id")), col("target_id"))
            .limit(RING_SIZE * (RING_SIZE - 1))
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .toList();
    if (existing.isEmpty()) {
      throw new CloutException(
          "Cannot inject gaming patterns on " + day + ": nobody on " + net + " was engaged with");
    }
    Injector in = new Injector(engagements.schema(), net, day);
    for (int i = 0; i < RING_SIZE; i++) {
      String ring = PREFIX + "ring-" + i;
      String honest = PREFIX + "honest-" + i;
      String loop = PREFIX + "loop-" + i;
      String control = PREFIX + "control-" + i;
      for (String a : List.of(ring, honest, loop, control)) {
        in.post(a, a + "-post");
      }
      for (int j = 0; j < RING_SIZE - 1; j++) {
        int peer = j < i ? j : j + 1;
        in.engage(ring, PREFIX + "ring-" + peer, ENGAGEMENTS_PER_PAIR);
        in.engage(
            honest,
            existing.get((i * (RING_SIZE - 1) + j) % existing.size()),
            ENGAGEMENTS_PER_PAIR);
      }
      for (int j = 1; j <= ONE_WAY_REACH; j++) {
        in.engage(loop, PREFIX + "loop-" + (i + j) % RING_SIZE, ENGAGEMENTS_PER_PAIR);
        in.engage(
            control, existing.get((i * ONE_WAY_REACH + j) % existing.size()), ENGAGEMENTS_PER_PAIR);
        String feeder = PREFIX + "feeder-" + i + "-" + j;
        in.engage(feeder, control, ENGAGEMENTS_PER_PAIR);
      }
    }
    String mentioner = PREFIX + "mentioner";
    String quiet = PREFIX + "quiet";
    for (String a : List.of(mentioner, quiet)) {
      in.post(a, a + "-post");
      for (int j = 0; j < 5; j++) {
        for (int k = 0; k < 3; k++) {
          in.event(PREFIX + "fan-" + a + "-" + j, a, "like", a + "-post");
        }
      }
    }
    for (int j = 0; j < MENTIONED; j++) {
      in.event(mentioner, PREFIX + "crowd-" + j, "mention", null);
    }
    String poster = PREFIX + "poster";
    String modest = PREFIX + "modest";
    for (int k = 0; k < 100; k++) {
      in.post(poster, poster + "-post-" + k);
    }
    for (int k = 0; k < 5; k++) {
      in.post(modest, modest + "-post-" + k);
    }
    for (String a : List.of(poster, modest)) {
      for (int j = 0; j < 10; j++) {
        in.event(PREFIX + "fan-" + a + "-" + j, a, "like", a + "-post-0");
        in.event(PREFIX + "fan-" + a + "-" + j, a, "comment", a + "-post-0");
      }
    }
    String farmed = PREFIX + "farmed";
    String unfarmed = PREFIX + "unfarmed";
    in.post(farmed, farmed + "-post");
    in.post(unfarmed, unfarmed + "-post");
    for (int j = 0; j < FARM_SIZE; j++) {
      in.event(PREFIX + "farm-" + j, farmed, "like", farmed + "-post");
    }

    Dataset<Row> previous =
        scores
            .where(col("score_date").equalTo(lit(day.minusDays(1).toString()).cast("date")))
            .select("person_id", "score");
    try (InteractionWindow window =
            InteractionWindow.of(
                engagements.unionByName(spark.createDataFrame(in.rows, engagements.schema())),
                ids,
                day,
                p);
        ScoreJob.Computed c = ScoreJob.compute(window, previous, p)) {
      Map<String, Double> mean = new LinkedHashMap<>();
      c.scores()
          .where(col("person_id").startsWith(net + ":" + PREFIX))
          .selectExpr(
              "regexp_replace(substring_index(person_id, ':', -1), '-[0-9]+$', '') AS grp", "score")
          .groupBy("grp")
          .agg(avg("score").as("mean"))
          .collectAsList()
          .forEach(r -> mean.put(r.getString(0), r.getDouble(1)));
      double ring = mean.get(PREFIX + "ring");
      double honest = mean.get(PREFIX + "honest");
      Gains gains =
          new Gains(
              ring - honest,
              mean.get(PREFIX + "loop") - mean.get(PREFIX + "control"),
              mean.get(mentioner) - mean.get(quiet),
              mean.get(poster) - mean.get(modest),
              mean.get(farmed) - mean.get(unfarmed));
      return new Outcome(
          new Evaluation.Ring(
              RING_SIZE, ENGAGEMENTS_PER_PAIR, day.toString(), ring, honest, ring - honest),
          gains);
    }
  }

  /** Builds injected rows in the engagements table's columns, all at noon of the day. */
  public static final class Injector {
    final StructType schema;
    final String network;
    final LocalDate day;
    final Timestamp noon;
    final List<Row> rows = new ArrayList<>();

    /** The rows built so far. */
    public List<Row> rows() {
      return rows;
    }

    public Injector(StructType schema, String network, LocalDate day) {
      this.schema = schema;
      this.network = network;
      this.day = day;
      this.noon = Timestamp.from(day.atTime(12, 0).toInstant(ZoneOffset.UTC));
    }

    public void post(String actor, String post) {
      event(actor, null, "post", post);
    }

    /** {@code times} engagements with the target's post, cycling like, comment, share. */
    public void engage(String actor, String target, int times) {
      for (int k = 0; k < times; k++) {
        event(actor, target, List.of("like", "comment", "share").get(k % 3), target + "-post");
      }
    }

    public void event(String actor, String target, String type, String post) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("network", network);
      v.put("event_id", PREFIX + rows.size());
      v.put("type", type);
      v.put("actor_id", actor);
      v.put("target_id", target);
      v.put("post_id", post);
      v.put("occurred_at", noon);
      v.put("event_date", Date.valueOf(day));
      v.put("ingest_date", Date.valueOf(day));
      v.put("source_file", "clout-evaluate");
      v.put("line_number", 0L);
      rows.add(RowFactory.create(Arrays.stream(schema.fieldNames()).map(v::get).toArray()));
    }
  }
}
