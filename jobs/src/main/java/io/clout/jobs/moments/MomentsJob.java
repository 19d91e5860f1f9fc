package io.clout.jobs.moments;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.clout.common.config.CloutConfig;
import io.clout.jobs.Caches;
import io.clout.jobs.CloutException;
import io.clout.jobs.Delta;
import io.clout.jobs.Reports;
import io.clout.jobs.Table;
import io.clout.jobs.Tables;
import io.clout.jobs.window.InteractionWindow;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code clout moments --date D}: each person's top posts with their engagers, outreach, unanswered
 * influencers and what works, from the window's engagements and the day's scores. Each table's day
 * is replaced whole, so reruns neither lose nor duplicate a moment.
 */
public final class MomentsJob {
  private MomentsJob() {}

  /** Rows written per table. */
  public record Report(
      String date, Map<String, Long> rows, Map<String, Long> tableVersions, long durationMs) {
    public String summary() {
      return "moments " + date + ": " + rows;
    }
  }

  public static Report run(SparkSession spark, CloutConfig config, LocalDate day) {
    try (InteractionWindow window = InteractionWindow.open(spark, config, day)) {
      return run(spark, config, window);
    }
  }

  /** The moments of the window's day; the caller owns the window (a daily run shares it). */
  public static Report run(SparkSession spark, CloutConfig config, InteractionWindow window) {
    long started = System.nanoTime();
    LocalDate day = window.day();
    Dataset<Row> dayScores =
        Tables.find(spark, config, Tables.SCORES)
            .map(
                s ->
                    s.where(col("score_date").equalTo(lit(day.toString()).cast("date")))
                        .select("person_id", "score"))
            .orElseThrow(
                () ->
                    new CloutException(
                        "Cannot build moments for "
                            + day
                            + ": no scores table; run ./clout score --date "
                            + day
                            + " first"))
            .persist(StorageLevel.MEMORY_AND_DISK());
    if (dayScores.isEmpty()) {
      throw new CloutException(
          "Cannot build moments for "
              + day
              + ": no scores for that day; run ./clout score --date "
              + day
              + " first");
    }
    Dataset<Row> events = window.events();
    Dataset<Row> received =
        Caches.packed(MomentTransforms.received(events, dayScores, config.scoring()));
    Dataset<Row> onPosts =
        MomentTransforms.onPosts(events, received).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<Table, Dataset<Row>> out = new LinkedHashMap<>();
      out.put(Tables.MOMENTS, MomentTransforms.moments(events, onPosts, day, config.moments()));
      out.put(Tables.OUTREACH, MomentTransforms.outreach(events, dayScores, day));
      out.put(
          Tables.UNANSWERED_INFLUENCERS,
          MomentTransforms.unansweredInfluencers(
              events, received, dayScores, day, config.moments()));
      out.put(Tables.ENGAGEMENT_BREAKDOWN, MomentTransforms.breakdown(received, day));
      Map<String, Long> rows = new LinkedHashMap<>();
      Map<String, Long> versions = new LinkedHashMap<>();
      for (Map.Entry<Table, Dataset<Row>> e : out.entrySet()) {
        Table table = e.getKey();
        Tables.write(config, table, e.getValue(), day);
        rows.put(
            table.name(),
            Tables.read(spark, config, table)
                .where(col("score_date").equalTo(lit(day.toString()).cast("date")))
                .count());
        versions.put(table.name(), Delta.version(spark, Tables.path(config, table)));
      }
      Report report =
          new Report(day.toString(), rows, versions, (System.nanoTime() - started) / 1_000_000);
      Reports.write(spark, Tables.reportPath(config, "moments", day.toString()), report);
      return report;
    } finally {
      onPosts.unpersist();
      received.unpersist();
      dayScores.unpersist();
    }
  }
}
