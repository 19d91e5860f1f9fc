package io.clout.jobs.evaluate;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import io.clout.common.scoring.RankMetrics;
import io.clout.common.scoring.ScoringParams;
import io.clout.jobs.CloutException;
import io.clout.jobs.Pipeline;
import io.clout.jobs.Reports;
import io.clout.jobs.Tables;
import io.clout.jobs.score.Propagator;
import io.clout.jobs.window.InteractionWindow;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

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

  /** The longer horizon: engagement received over the next 7 days. */
  static final int HORIZON_DAYS = 7;

  private Evaluation() {}

  /** One predictor's figures: per day (null where undefined) and their mean. */
  public record Metric(
      Double spearman,
      @JsonProperty("ndcg_at_100") Double ndcgAt100,
      List<Double> spearmanPerDay,
      @JsonProperty("ndcg_at_100_per_day") List<Double> ndcgAt100PerDay) {}

  public record Stability(
      Double medianAbsDailyChange, long personDays, List<Double> medianPerDay) {}

  public record Ring(
      int accounts,
      int engagementsPerPair,
      String day,
      double ringMeanScore,
      double honestMeanScore,
      double gain) {}

  /**
   * evaluation.json, written by {@link Reports} (snake_case): each predictor's {@link Metric} for
   * the next day is an object at the top level, under its name; {@code horizon_7d} holds the same
   * for the next 7 days; {@code gaming} each gaming pattern's gain in points.
   */
  @JsonPropertyOrder({"from", "to", "days", "population"})
  public record Result(
      String from,
      String to,
      List<String> days,
      List<Long> population,
      @JsonIgnore Map<String, Metric> metrics,
      @JsonProperty("horizon_7d") Map<String, Metric> horizon7d,
      Stability stability,
      Ring ring,
      Gaming.Gains gaming,
      Map<String, String> parameters) {
    @JsonAnyGetter
    public Map<String, Metric> predictors() {
      return metrics;
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
    Map<String, List<double[]>> perDayWeek = new LinkedHashMap<>();
    PREDICTORS.forEach(k -> perDay.put(k, new ArrayList<>()));
    PREDICTORS.forEach(k -> perDayWeek.put(k, new ArrayList<>()));
    for (LocalDate d = from; d.isBefore(to); d = d.plusDays(1)) {
      List<Row> rows;
      try (InteractionWindow window = InteractionWindow.of(engagements, ids, d, p)) {
        rows = frame(window, engagements, ids, scores, to, p).collectAsList();
      }
      double[] truth = rows.stream().mapToDouble(r -> r.<Long>getAs("truth")).toArray();
      double[] week = rows.stream().mapToDouble(r -> r.<Long>getAs("truth_7d")).toArray();
      days.add(d.toString());
      population.add((long) rows.size());
      for (String k : PREDICTORS) {
        double[] x = rows.stream().mapToDouble(r -> ((Number) r.getAs(k)).doubleValue()).toArray();
        perDay
            .get(k)
            .add(
                new double[] {RankMetrics.spearman(x, truth), RankMetrics.ndcgAt(TOP_K, x, truth)});
        perDayWeek
            .get(k)
            .add(new double[] {RankMetrics.spearman(x, week), RankMetrics.ndcgAt(TOP_K, x, week)});
      }
      out.printf(
          "  evaluated %s against %s: %d people, %d engaged with on %s%n",
          d,
          d.plusDays(1),
          rows.size(),
          Arrays.stream(truth).filter(t -> t > 0).count(),
          d.plusDays(1));
    }
    Gaming.Outcome gaming = Gaming.measure(spark, engagements, ids, scores, to, p);
    Result result =
        new Result(
            from.toString(),
            to.toString(),
            days,
            population,
            metrics(perDay),
            metrics(perDayWeek),
            stability(engagements, ids, scores, from, to, p),
            gaming.ring(),
            gaming.gains(),
            ConfigLoader.flatten(config));
    Reports.write(spark, Tables.stripSlash(outDir) + "/evaluation.json", result);
    print(result, out);
    return result;
  }

  private static Map<String, Metric> metrics(Map<String, List<double[]>> perDay) {
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
    return metrics;
  }

  /**
   * One row per person scored on day d: the score, the baselines over the same window, and two
   * truths: {@code truth}, the engagements they receive from others on day d+1, and {@code
   * truth_7d}, those of days d+1 to d+7 (cut at {@code knownBy}), counting late arrivals delivered
   * by {@code knownBy} too (the predictors only see what was delivered by day d).
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
    LocalDate last = d.plusDays(HORIZON_DAYS).isAfter(knownBy) ? knownBy : d.plusDays(HORIZON_DAYS);
    Dataset<Row> truthWeek =
        InteractionWindow.between(InteractionWindow.resolve(delivered, ids, last, p))
            .where(
                col("event_date")
                    .between(lit(next.toString()).cast("date"), lit(last.toString()).cast("date")))
            .groupBy(col("target_person").as("person_id"))
            .agg(count(lit(1)).as("truth_7d"));
    return scores
        .where(col("score_date").equalTo(lit(d.toString()).cast("date")))
        .select("person_id", "score")
        .join(received, "person_id", "left")
        .join(pagerank, "person_id", "left")
        .join(truth, "person_id", "left")
        .join(truthWeek, "person_id", "left")
        .na()
        .fill(0, new String[] {"in_degree", "engagement_count", "truth", "truth_7d"})
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

  /**
   * What {@code evaluate --check} holds the score to: ahead of every baseline on mean Spearman and
   * mean NDCG@100 for both horizons, and every gaming pattern within its bound
   * (docs/evaluation.md). Returns one line per shortfall; none means the check passes.
   */
  public static List<String> shortfalls(Result r) {
    List<String> failed = new ArrayList<>();
    Map<String, Map<String, Metric>> horizons =
        Map.of("next day", r.metrics(), "next 7 days", r.horizon7d());
    for (String h : List.of("next day", "next 7 days")) {
      Metric score = horizons.get(h).get("score");
      for (String k : PREDICTORS.subList(1, PREDICTORS.size())) {
        Metric b = horizons.get(h).get(k);
        if (!(score.spearman() > b.spearman())) {
          failed.add(
              String.format(
                  "%s: score Spearman %s is not above %s's %s",
                  h, fmt(score.spearman()), k, fmt(b.spearman())));
        }
        if (!(score.ndcgAt100() > b.ndcgAt100())) {
          failed.add(
              String.format(
                  "%s: score NDCG@100 %s is not above %s's %s",
                  h, fmt(score.ndcgAt100()), k, fmt(b.ndcgAt100())));
        }
      }
    }
    Gaming.Gains g = r.gaming();
    bound(failed, "reciprocal ring", g.reciprocalRing(), 2.0);
    bound(failed, "one-way ring", g.oneWayRing(), 2.0);
    bound(failed, "mass-mentioner", g.massMentioner(), 0.5);
    bound(failed, "high-volume poster", g.highVolumePoster(), 0.5);
    return failed;
  }

  private static void bound(List<String> failed, String pattern, double gain, double most) {
    if (!(gain <= most)) {
      failed.add(
          String.format("gaming: %s gains %+.2f points, more than %.1f", pattern, gain, most));
    }
  }

  static void print(Result r, PrintStream out) {
    out.printf(
        "%nevaluation %s..%s (%d days predicted, the next day held out)%n",
        r.from(), r.to(), r.days().size());
    out.printf("  %-18s %10s %12s%n", "predictor", "spearman", "ndcg@100");
    r.metrics()
        .forEach(
            (k, m) -> out.printf("  %-18s %10s %12s%n", k, fmt(m.spearman()), fmt(m.ndcgAt100())));
    out.printf("  %-18s %10s %12s   (next 7 days)%n", "predictor", "spearman", "ndcg@100");
    r.horizon7d()
        .forEach(
            (k, m) -> out.printf("  %-18s %10s %12s%n", k, fmt(m.spearman()), fmt(m.ndcgAt100())));
    out.printf(
        "  stability: median |daily change| %s over %d person-days with unchanged activity%n",
        fmt(r.stability().medianAbsDailyChange()), r.stability().personDays());
    out.printf(
        "  ring of %d on %s: ring %.2f vs honest %.2f, gain %+.2f points%n",
        r.ring().accounts(),
        r.ring().day(),
        r.ring().ringMeanScore(),
        r.ring().honestMeanScore(),
        r.ring().gain());
    out.printf(
        "  gaming gains (points): reciprocal ring %+.2f, one-way ring %+.2f, mass-mentioner %+.2f,"
            + " high-volume poster %+.2f, like farm %+.2f%n",
        r.gaming().reciprocalRing(),
        r.gaming().oneWayRing(),
        r.gaming().massMentioner(),
        r.gaming().highVolumePoster(),
        r.gaming().likeFarm());
  }

  static String fmt(Double v) {
    return v == null ? "n/a" : String.format("%.4f", v);
  }
}
