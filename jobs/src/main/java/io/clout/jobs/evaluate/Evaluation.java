package io.clout.jobs.evaluate;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import io.clout.common.scoring.RankMetrics;
import io.clout.common.scoring.ScoringParams;
import io.clout.jobs.CloutException;
import io.clout.jobs.Pipeline;
import io.clout.jobs.Reports;
import io.clout.jobs.Tables;
import io.clout.jobs.score.Propagator;
import io.clout.jobs.score.ScoreJob;
import io.clout.jobs.window.InteractionWindow;
import java.io.PrintStream;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;

/**
 * {@code clout evaluate}: does the score on day d predict who receives engagement on day d+1 (held
 * out) better than in-degree, the raw engagement count and unweighted PageRank over the same
 * window? Also how much scores move for people whose activity did not change, and what a ring of
 * accounts engaging each other gains over honest accounts of equal activity. docs/evaluation.md.
 */
public final class Evaluation {
  /** The predictors compared, the score first; each is a column of {@link #frame}. */
  public static final List<String> PREDICTORS =
      List.of("score", "in_degree", "engagement_count", "pagerank");

  static final int TOP_K = 100;
  static final int RING_SIZE = 20;
  static final int RING_ENGAGEMENTS_PER_PAIR = 10;

  private Evaluation() {}

  /** One predictor's figures: per day (null where undefined) and their mean. */
  public record Metric(
      Double spearman,
      Double ndcgAt100,
      List<Double> spearmanPerDay,
      List<Double> ndcgAt100PerDay) {}

  public record Stability(Double medianAbsChange, long personDays, List<Double> medianPerDay) {}

  public record Ring(
      int accounts,
      int engagementsPerPair,
      String day,
      double ringMeanScore,
      double honestMeanScore,
      double gain) {}

  public record Result(
      String from,
      String to,
      List<String> days,
      List<Long> population,
      Map<String, Metric> metrics,
      Stability stability,
      Ring ring,
      Map<String, String> parameters) {
    /** evaluation.json: one object per predictor at the top level, snake_case keys. */
    public Map<String, Object> json() {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("from", from);
      j.put("to", to);
      j.put("days", days);
      j.put("population", population);
      metrics.forEach(
          (k, m) ->
              j.put(
                  k,
                  Reports.object(
                      "spearman",
                      m.spearman(),
                      "ndcg_at_100",
                      m.ndcgAt100(),
                      "spearman_per_day",
                      m.spearmanPerDay(),
                      "ndcg_at_100_per_day",
                      m.ndcgAt100PerDay())));
      j.put(
          "stability",
          Reports.object(
              "median_abs_daily_change",
              stability.medianAbsChange(),
              "person_days",
              stability.personDays(),
              "median_per_day",
              stability.medianPerDay()));
      j.put(
          "ring",
          Reports.object(
              "accounts",
              ring.accounts(),
              "engagements_per_pair",
              ring.engagementsPerPair(),
              "day",
              ring.day(),
              "ring_mean_score",
              ring.ringMeanScore(),
              "honest_mean_score",
              ring.honestMeanScore(),
              "gain",
              ring.gain()));
      j.put("parameters", parameters);
      return j;
    }
  }

  public static Result run(
      SparkSession spark,
      CloutConfig config,
      LocalDate from,
      LocalDate to,
      String outDir,
      PrintStream out) {
    if (!to.isAfter(from)) {
      throw new CloutException(
          "Cannot evaluate "
              + from
              + ".."
              + to
              + ": need at least two days, a day to score and the next to check");
    }
    Pipeline.runRange(spark, config, from, to, false, out);
    ScoringParams p = config.scoring();
    Dataset<Row> engagements =
        Tables.find(spark, config, Tables.ENGAGEMENTS)
            .orElseThrow(
                () ->
                    new CloutException(
                        "Cannot evaluate: no engagements under " + config.paths().warehouse()));
    Dataset<Row> ids = Tables.read(spark, config, Tables.IDENTITIES);
    Dataset<Row> scores = Tables.read(spark, config, Tables.SCORES);

    List<String> days = new ArrayList<>();
    List<Long> population = new ArrayList<>();
    Map<String, List<double[]>> perDay = new LinkedHashMap<>();
    PREDICTORS.forEach(k -> perDay.put(k, new ArrayList<>()));
    for (LocalDate d = from; d.isBefore(to); d = d.plusDays(1)) {
      List<Row> rows;
      try (InteractionWindow window = InteractionWindow.of(engagements, ids, d, p)) {
        rows = frame(window, engagements, ids, scores, to, p).collectAsList();
      }
      double[] truth = rows.stream().mapToDouble(r -> r.<Long>getAs("truth")).toArray();
      days.add(d.toString());
      population.add((long) rows.size());
      for (String k : PREDICTORS) {
        double[] x = rows.stream().mapToDouble(r -> ((Number) r.getAs(k)).doubleValue()).toArray();
        perDay
            .get(k)
            .add(
                new double[] {RankMetrics.spearman(x, truth), RankMetrics.ndcgAt(TOP_K, x, truth)});
      }
      out.printf(
          "  evaluated %s against %s: %d people, %d engaged with on %s%n",
          d,
          d.plusDays(1),
          rows.size(),
          java.util.Arrays.stream(truth).filter(t -> t > 0).count(),
          d.plusDays(1));
    }
    Map<String, Metric> metrics = new LinkedHashMap<>();
    perDay.forEach(
        (k, v) ->
            metrics.put(
                k,
                new Metric(
                    mean(v, 0),
                    mean(v, 1),
                    v.stream().map(a -> finite(a[0])).toList(),
                    v.stream().map(a -> finite(a[1])).toList())));
    Result result =
        new Result(
            from.toString(),
            to.toString(),
            days,
            population,
            metrics,
            stability(engagements, ids, scores, from, to, p),
            ring(spark, config, engagements, ids, scores, to, p),
            ConfigLoader.flatten(config));
    Reports.write(spark, Tables.stripSlash(outDir) + "/evaluation.json", result.json());
    print(result, out);
    return result;
  }

  /**
   * One row per person scored on day d: the score, the baselines over the same window, and the
   * truth, the engagements they receive on day d+1 from others, counting late arrivals delivered by
   * {@code knownBy} too (the predictors only see what was delivered by day d).
   */
  static Dataset<Row> frame(
      InteractionWindow interactions,
      Dataset<Row> engagements,
      Dataset<Row> ids,
      Dataset<Row> scores,
      LocalDate knownBy,
      ScoringParams p) {
    LocalDate d = interactions.day();
    Dataset<Row> window = interactions.betweenPeople();
    Dataset<Row> received =
        window
            .groupBy(col("target_person").as("person_id"))
            .agg(
                countDistinct("actor_person").as("in_degree"),
                count(lit(1)).as("engagement_count"));
    Dataset<Row> pairs =
        window
            .select(col("actor_person").as("src"), col("target_person").as("dst"))
            .distinct()
            .withColumn("p", lit(1.0).divide(count(lit(1)).over(Window.partitionBy("src"))));
    Propagator.Settings unweighted =
        new Propagator.Settings(
            p.damping(), p.tolerance(), p.maxIterations(), p.checkpointEvery(), p.localMaxEdges());
    Dataset<Row> pagerank =
        Propagator.ranks(pairs, pairs.count(), unweighted)
            .select(col("person_id"), col("rank").as("pagerank"));
    LocalDate next = d.plusDays(1);
    Dataset<Row> delivered =
        engagements
            .where(col("ingest_date").leq(lit(knownBy.toString()).cast("date")))
            .withColumn("ingest_date", col("event_date"));
    Dataset<Row> truth =
        InteractionWindow.between(InteractionWindow.resolve(delivered, ids, next, p))
            .where(col("event_date").equalTo(lit(next.toString()).cast("date")))
            .groupBy(col("target_person").as("person_id"))
            .agg(count(lit(1)).as("truth"));
    return scores
        .where(col("score_date").equalTo(lit(d.toString()).cast("date")))
        .select("person_id", "score")
        .join(received, "person_id", "left")
        .join(pagerank, "person_id", "left")
        .join(truth, "person_id", "left")
        .na()
        .fill(0, new String[] {"in_degree", "engagement_count", "truth"})
        // Outside today's graph a person's PageRank is the teleport share alone.
        .na()
        .fill(1 - p.damping(), new String[] {"pagerank"})
        .orderBy("person_id");
  }

  /**
   * Day-to-day |score change| of people active on both days with the same activity: as many
   * engagements given and received on day d as on day d-1.
   */
  static Stability stability(
      Dataset<Row> engagements,
      Dataset<Row> ids,
      Dataset<Row> scores,
      LocalDate from,
      LocalDate to,
      ScoringParams p) {
    List<Double> medians = new ArrayList<>();
    List<Double> all = new ArrayList<>();
    Dataset<Row> before = activity(engagements, ids, from, p);
    for (LocalDate d = from.plusDays(1); !d.isAfter(to); d = d.plusDays(1)) {
      Dataset<Row> today = activity(engagements, ids, d, p);
      Dataset<Row> same =
          today
              .join(
                  before
                      .withColumnRenamed("given", "given_before")
                      .withColumnRenamed("received", "received_before"),
                  "person_id")
              .where(
                  col("given")
                      .equalTo(col("given_before"))
                      .and(col("received").equalTo(col("received_before"))));
      before = today;
      double[] changes =
          scores
              .where(
                  col("score_date")
                      .equalTo(lit(d.toString()).cast("date"))
                      .and(col("score_change").isNotNull()))
              .join(same, "person_id")
              .select(abs(col("score_change")))
              .collectAsList()
              .stream()
              .mapToDouble(r -> r.getDouble(0))
              .toArray();
      medians.add(finite(RankMetrics.median(changes)));
      for (double c : changes) {
        all.add(c);
      }
    }
    return new Stability(
        finite(RankMetrics.median(all.stream().mapToDouble(Double::doubleValue).toArray())),
        all.size(),
        medians);
  }

  /** Engagements each person gave and received on day d (people with any). */
  static Dataset<Row> activity(
      Dataset<Row> engagements, Dataset<Row> ids, LocalDate d, ScoringParams p) {
    Dataset<Row> day =
        InteractionWindow.between(InteractionWindow.resolve(engagements, ids, d, p))
            .where(col("event_date").equalTo(lit(d.toString()).cast("date")));
    Dataset<Row> given =
        day.groupBy(col("actor_person").as("person_id")).agg(count(lit(1)).as("given"));
    Dataset<Row> received =
        day.groupBy(col("target_person").as("person_id")).agg(count(lit(1)).as("received"));
    return given.join(received, List.of("person_id").toArray(new String[0]), "full").na().fill(0);
  }

  /**
   * Scores day {@code day} again with two injected groups of {@link #RING_SIZE} new accounts, each
   * account engaging 19 others {@link #RING_ENGAGEMENTS_PER_PAIR} times: the ring engages its own
   * members, the honest group engages existing accounts. Nothing is written.
   */
  static Ring ring(
      SparkSession spark,
      CloutConfig config,
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
      throw new CloutException("Cannot inject a ring on " + day + ": no engagements that day");
    }
    String net = network.getString(0);
    int peers = RING_SIZE - 1;
    List<String> honestTargets =
        recent
            .where(col("network").equalTo(net))
            .select("target_id")
            .distinct()
            .orderBy(xxhash64(col("target_id")), col("target_id"))
            .limit(RING_SIZE * peers)
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .toList();
    if (honestTargets.isEmpty()) {
      throw new CloutException(
          "Cannot inject a ring on " + day + ": nobody on " + net + " was engaged with that day");
    }
    StructType schema = engagements.schema();
    List<Row> injected = new ArrayList<>();
    Timestamp noon = Timestamp.from(day.atTime(12, 0).toInstant(ZoneOffset.UTC));
    for (int i = 0; i < RING_SIZE; i++) {
      for (String group : List.of("ring", "honest")) {
        String actor = "clout-eval-" + group + "-" + i;
        injected.add(
            row(schema, net, actor + "-post", "post", actor, null, actor + "-post", noon, day));
        for (int j = 0; j < peers; j++) {
          int peer = j < i ? j : j + 1;
          String target =
              group.equals("ring")
                  ? "clout-eval-ring-" + peer
                  : honestTargets.get((i * peers + j) % honestTargets.size());
          for (int k = 0; k < RING_ENGAGEMENTS_PER_PAIR; k++) {
            String type = List.of("like", "comment", "share").get(k % 3);
            injected.add(
                row(
                    schema,
                    net,
                    actor + "-" + j + "-" + k,
                    type,
                    actor,
                    target,
                    target + "-post",
                    noon,
                    day));
          }
        }
      }
    }
    Dataset<Row> previous =
        scores
            .where(col("score_date").equalTo(lit(day.minusDays(1).toString()).cast("date")))
            .select("person_id", "score");
    try (InteractionWindow window =
            InteractionWindow.of(
                engagements.unionByName(spark.createDataFrame(injected, schema)), ids, day, p);
        ScoreJob.Computed c = ScoreJob.compute(window, previous, p)) {
      Function<String, Double> mean =
          group ->
              c.scores()
                  .where(col("person_id").startsWith(net + ":clout-eval-" + group + "-"))
                  .agg(org.apache.spark.sql.functions.avg("score"))
                  .first()
                  .getDouble(0);
      double ring = mean.apply("ring");
      double honest = mean.apply("honest");
      return new Ring(
          RING_SIZE, RING_ENGAGEMENTS_PER_PAIR, day.toString(), ring, honest, ring - honest);
    }
  }

  static Row row(
      StructType schema,
      String network,
      String eventId,
      String type,
      String actor,
      String target,
      String post,
      Timestamp at,
      LocalDate day) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("network", network);
    v.put("event_id", eventId);
    v.put("type", type);
    v.put("actor_id", actor);
    v.put("target_id", target);
    v.put("post_id", post);
    v.put("occurred_at", at);
    v.put("event_date", Date.valueOf(day));
    v.put("ingest_date", Date.valueOf(day));
    v.put("source_file", "clout-evaluate");
    v.put("line_number", 0L);
    return RowFactory.create(java.util.Arrays.stream(schema.fieldNames()).map(v::get).toArray());
  }

  static Double mean(List<double[]> perDay, int index) {
    return finite(
        perDay.stream()
            .mapToDouble(a -> a[index])
            .filter(Double::isFinite)
            .average()
            .orElse(Double.NaN));
  }

  /** JSON has no NaN: an undefined figure is null. */
  static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  static void print(Result r, PrintStream out) {
    out.printf(
        "%nevaluation %s..%s (%d days predicted, the next day held out)%n",
        r.from(), r.to(), r.days().size());
    out.printf("  %-18s %10s %12s%n", "predictor", "spearman", "ndcg@100");
    r.metrics()
        .forEach(
            (k, m) -> out.printf("  %-18s %10s %12s%n", k, fmt(m.spearman()), fmt(m.ndcgAt100())));
    out.printf(
        "  stability: median |daily change| %s over %d person-days with unchanged activity%n",
        fmt(r.stability().medianAbsChange()), r.stability().personDays());
    out.printf(
        "  ring of %d on %s: ring %.2f vs honest %.2f, gain %+.2f points%n",
        r.ring().accounts(),
        r.ring().day(),
        r.ring().ringMeanScore(),
        r.ring().honestMeanScore(),
        r.ring().gain());
  }

  static String fmt(Double v) {
    return v == null ? "n/a" : String.format("%.4f", v);
  }
}
