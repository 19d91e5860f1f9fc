package io.clout.jobs;

import io.clout.common.config.CloutConfig;
import io.clout.jobs.ingest.IngestJob;
import io.clout.jobs.ingest.IngestReport;
import io.clout.jobs.moments.MomentsJob;
import io.clout.jobs.score.ScoreJob;
import io.clout.jobs.score.ScoreReport;
import java.io.PrintStream;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;

/** Runs the stages of one day in order: the body of {@code clout daily} and {@code clout backfill}. */
public final class Pipeline {
  private Pipeline() {}

  public static void runDay(SparkSession spark, CloutConfig config, LocalDate date, PrintStream out) {
    long t0 = System.nanoTime();
    IngestReport ingest = IngestJob.run(spark, config, date);
    out.printf("  %s (%.1f s)%n", ingest.summary(), (System.nanoTime() - t0) / 1e9);
    long t1 = System.nanoTime();
    ScoreReport score = ScoreJob.run(spark, config, date);
    out.printf("  %s (%.1f s)%n", score.summary(), (System.nanoTime() - t1) / 1e9);
    long t2 = System.nanoTime();
    MomentsJob.Report moments = MomentsJob.run(spark, config, date);
    out.printf("  %s (%.1f s)%n", moments.summary(), (System.nanoTime() - t2) / 1e9);
  }

  /** Days from {@code from} to {@code to}, both included, in order: each day builds on the one before. */
  public static void runRange(SparkSession spark, CloutConfig config, LocalDate from, LocalDate to, PrintStream out) {
    if (to.isBefore(from)) {
      throw new CloutException("Cannot backfill: --to " + to + " is before --from " + from);
    }
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      out.println("day " + d);
      runDay(spark, config, d, out);
    }
  }
}
