package io.clout.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import io.clout.common.scoring.ScoringParams;
import io.clout.jobs.Caches;
import io.clout.jobs.CloutException;
import io.clout.jobs.Delta;
import io.clout.jobs.Reports;
import io.clout.jobs.Table;
import io.clout.jobs.Tables;
import io.clout.jobs.window.InteractionWindow;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code clout score --date D}: the interaction graph over the trailing window, propagation, and
 * the day's {@code scores}, {@code score_drivers} and {@code current_scores}. Each write replaces
 * exactly the day's partition, so a rerun gives the same tables.
 */
public final class ScoreJob {
  private ScoreJob() {}

  public static ScoreReport run(SparkSession spark, CloutConfig config, LocalDate day) {
    try (InteractionWindow window = InteractionWindow.open(spark, config, day)) {
      return run(spark, config, window);
    }
  }

  /** Scores the window's day; the caller owns the window (a daily run shares it with moments). */
  public static ScoreReport run(SparkSession spark, CloutConfig config, InteractionWindow window) {
    long started = System.nanoTime();
    ScoringParams p = config.scoring();
    LocalDate day = window.day();
    Dataset<Row> previous = previousScores(spark, config, day);

    try (Computed c = compute(window, previous, p)) {
      Dataset<Row> ranks = c.ranks();
      long edgeCount = c.edgeCount();
      Dataset<Row> drivers =
          ScoreTransforms.drivers(c.edges(), ranks, window.events(), c.unranked(), day, p);

      Tables.write(config, Tables.SCORE_DRIVERS, drivers, day);

      // The report's figures come from the cached rows, before the scores table is written:
      // writing a table drops every cache whose rows read it (Spark recaches by plan), and the
      // unranked scores read yesterday's from that table, so after the write they would be
      // computed again from the window.
      Row stats =
          c.unranked()
              .selectExpr(
                  "count(*) n",
                  "percentile(score, 0.1) p10",
                  "percentile(score, 0.5) p50",
                  "percentile(score, 0.9) p90",
                  "max(score) mx",
                  "count_if(score >= 80) top",
                  // The graph's people, counted off the cached scores rather than recomputed.
                  "count_if(in_graph) people")
              .first();
      Map<String, Double> q = new LinkedHashMap<>();
      q.put("p10", stats.getAs("p10"));
      q.put("p50", stats.getAs("p50"));
      q.put("p90", stats.getAs("p90"));
      q.put("max", stats.getAs("mx"));
      Row rankInfo = ranks.selectExpr("count(*) n", "coalesce(max(iterations), 0) it").first();

      Tables.write(config, Tables.SCORES, c.scores(), day);
      refreshCurrent(spark, config, day);
      Map<String, Long> versions = new TreeMap<>();
      for (Table t : List.of(Tables.SCORES, Tables.SCORE_DRIVERS, Tables.CURRENT_SCORES)) {
        versions.put(t.name(), Delta.version(spark, Tables.path(config, t)));
      }
      ScoreReport report =
          new ScoreReport(
              day.toString(),
              p.modelVersion(),
              window.events().count(),
              stats.<Long>getAs("people"),
              edgeCount,
              ScoringParams.TWO_HOP.equals(p.propagation())
                  ? "two-hop"
                  : edgeCount <= p.localMaxEdges() ? "in-memory" : "distributed",
              rankInfo.<Integer>getAs("it"),
              stats.<Long>getAs("n"),
              q,
              stats.<Long>getAs("top"),
              versions,
              (System.nanoTime() - started) / 1_000_000,
              ConfigLoader.flatten(config));
      Reports.write(spark, Tables.reportPath(config, "score", day.toString()), report);
      return report;
    }
  }

  /**
   * The day's graph, ranks and scores, before anything is written. It owns the cached edges, ranks
   * and unranked scores and releases them on {@link #close()}; the window's events stay with the
   * window.
   */
  public record Computed(
      Dataset<Row> edges,
      long edgeCount,
      Dataset<Row> ranks,
      Dataset<Row> nodes,
      Dataset<Row> unranked)
      implements AutoCloseable {
    /** The day's scores, ranked from the cached rows ({@link ScoreTransforms#withRank}). */
    public Dataset<Row> scores() {
      return ScoreTransforms.withRank(unranked);
    }

    @Override
    public void close() {
      unranked.unpersist();
      ranks.unpersist();
      edges.unpersist();
    }
  }

  /**
   * Scoring without IO: the window and yesterday's scores in, today's scores out. The edge count
   * chooses the propagation path.
   */
  public static Computed compute(InteractionWindow window, Dataset<Row> previous, ScoringParams p) {
    LocalDate day = window.day();
    Dataset<Row> edges = Caches.packed(InfluenceGraph.edges(window.events(), day, p));
    long edgeCount = edges.count();
    Propagator.Settings settings =
        new Propagator.Settings(
            p.damping(), p.tolerance(), p.maxIterations(), p.checkpointEvery(), p.localMaxEdges());
    Dataset<Row> ranks =
        (ScoringParams.TWO_HOP.equals(p.propagation())
                ? TwoHop.ranks(edges, p)
                : Propagator.ranks(edges, edgeCount, settings)
                    .withColumn("first_order", lit(null).cast("double")))
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> nodes = InfluenceGraph.nodes(window.events(), edges, day);
    return new Computed(
        edges,
        edgeCount,
        ranks,
        nodes,
        ScoreTransforms.unranked(nodes, ranks, previous, day, p)
            .persist(StorageLevel.MEMORY_AND_DISK()));
  }

  /**
   * Yesterday's scores, which today's dynamics start from. A gap (older scores but none for
   * yesterday) is an error: days build on each other and must run in order.
   */
  static Dataset<Row> previousScores(SparkSession spark, CloutConfig config, LocalDate day) {
    Dataset<Row> none = noPreviousScores(spark);
    Dataset<Row> all = Tables.read(spark, config, Tables.SCORES);
    Row latestBefore =
        all.where(col("score_date").lt(lit(day.toString()).cast("date")))
            .agg(max("score_date"))
            .first();
    if (latestBefore.isNullAt(0)) {
      return none;
    }
    LocalDate latest = latestBefore.<Date>getAs(0).toLocalDate();
    if (!latest.equals(day.minusDays(1))) {
      throw new CloutException(
          "Cannot score "
              + day
              + ": the latest earlier scores are of "
              + latest
              + ", not "
              + day.minusDays(1)
              + "; days build on each other, so run ./clout backfill --from "
              + latest.plusDays(1)
              + " --to "
              + day);
    }
    return all.where(col("score_date").equalTo(lit(latest.toString()).cast("date")))
        .select("person_id", "score");
  }

  /** Yesterday's scores (person_id, score) when there are none: a person's first day. */
  public static Dataset<Row> noPreviousScores(SparkSession spark) {
    return Tables.empty(spark, Tables.SCORES).select("person_id", "score");
  }

  /** current_scores holds the newest day of scores; a backfill of older days leaves it alone. */
  static void refreshCurrent(SparkSession spark, CloutConfig config, LocalDate day) {
    Dataset<Row> scores = Tables.read(spark, config, Tables.SCORES);
    Row newest = scores.agg(max("score_date")).first();
    Tables.write(
        config,
        Tables.CURRENT_SCORES,
        scores.where(col("score_date").equalTo(lit(newest.get(0)))),
        day);
  }
}
