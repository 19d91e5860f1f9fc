package io.clout.jobs;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import io.clout.jobs.ingest.IngestJob;
import io.clout.jobs.ingest.IngestReport;
import io.clout.jobs.moments.MomentsJob;
import io.clout.jobs.perks.PerksJob;
import io.clout.jobs.score.ScoreJob;
import io.clout.jobs.score.ScoreReport;
import io.clout.jobs.window.InteractionWindow;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * {@code clout daily} and {@code clout backfill}: the stages of a day in order (ingest, score,
 * moments, perks), one JSON run report per day, and skipping of days already complete with the same
 * inputs and parameters. Each stage replaces exactly its day in each of its tables (one atomic
 * Delta commit per table), and the report that marks a day complete is written last: a run killed
 * at any point leaves no table with half a day, and the next run redoes the day.
 */
public final class Pipeline {
  /**
   * The Spark local property naming the Clout stage (ingest, score, moments, perks) whose jobs run;
   * the jobs' description says the same, so the Spark UI and event logs show it.
   */
  public static final String STAGE_PROPERTY = "clout.stage";

  private Pipeline() {}

  /** One day's run: its fingerprint, each stage's report and duration, and the parameters. */
  public record DailyReport(
      String date,
      String status,
      String fingerprint,
      String modelVersion,
      IngestReport ingest,
      ScoreReport score,
      MomentsJob.Report moments,
      PerksJob.Report perks,
      Map<String, Long> stageMs,
      long durationMs,
      Map<String, String> parameters) {}

  /**
   * Runs one day under the warehouse's {@link RunLock}. A day that fails is undone: every table it
   * changed is restored to the version it had when the run began, so a failed run leaves the tables
   * as they were (when storage is reachable to restore them; otherwise the rerun replaces exactly
   * the day's rows, see docs/reliability.md).
   */
  public static DailyReport runDay(
      SparkSession spark, CloutConfig config, LocalDate date, boolean force, PrintStream out) {
    try (RunLock lock = RunLock.acquire(spark, config, "daily " + date)) {
      Map<Table, Long> before;
      try {
        before = versions(spark, config);
      } catch (Exception e) { // Spark's exceptions are checked, and thrown unchecked from Scala
        throw new CloutException(
            "Day " + date + " failed before it changed anything: " + rootMessage(e), e);
      }
      try {
        return runLocked(spark, config, date, force, out);
      } catch (Exception e) {
        throw undo(spark, config, date, before, e);
      }
    }
  }

  /** The latest version of every table, -1 where there is none yet. */
  static Map<Table, Long> versions(SparkSession spark, CloutConfig config) {
    Map<Table, Long> v = new LinkedHashMap<>();
    for (Table t : Tables.ALL) {
      v.put(t, Delta.version(spark, Tables.path(config, t)));
    }
    return v;
  }

  /**
   * Restores every table the failed run changed; returns the error to throw, which says what was
   * undone, or what could not be and what to do about it.
   */
  private static CloutException undo(
      SparkSession spark,
      CloutConfig config,
      LocalDate date,
      Map<Table, Long> before,
      Exception failure) {
    String cause = rootMessage(failure);
    List<String> restored = new ArrayList<>();
    try {
      for (Map.Entry<Table, Long> e : before.entrySet()) {
        String path = Tables.path(config, e.getKey());
        if (Delta.version(spark, path) != e.getValue()) {
          Delta.restore(spark, path, e.getValue());
          restored.add(e.getKey().name());
        }
      }
    } catch (Exception undoFailed) {
      return new CloutException(
          "Day "
              + date
              + " failed: "
              + cause
              + ". Undoing it failed too ("
              + rootMessage(undoFailed)
              + "): tables "
              + restored
              + " were restored, others may hold part of the day. Run the day again once storage"
              + " answers: it replaces exactly that day's rows.",
          failure);
    }
    return new CloutException(
        "Day "
            + date
            + " failed: "
            + cause
            + (restored.isEmpty()
                ? ". No table had been changed."
                : ". Every table it changed was restored to its version before the run: "
                    + restored
                    + "."),
        failure);
  }

  /** The message of the innermost cause, where the real reason usually is. */
  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      if (root instanceof CloutException) {
        break;
      }
      root = root.getCause();
    }
    String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static DailyReport runLocked(
      SparkSession spark, CloutConfig config, LocalDate date, boolean force, PrintStream out) {
    String fingerprint = fingerprint(spark, config, date);
    String reportPath = Tables.reportPath(config, "daily", date.toString());
    Optional<DailyReport> previous = Reports.read(spark, reportPath, DailyReport.class);
    if (!force
        && previous.isPresent()
        && "complete".equals(previous.get().status())
        && fingerprint.equals(previous.get().fingerprint())) {
      out.println("  complete with the same inputs and parameters: skipped (--force reruns it)");
      return null;
    }
    long started = System.nanoTime();
    Map<String, Long> ms = new LinkedHashMap<>();
    try (Progress progress = Progress.start(spark, out)) {
      IngestReport ingest =
          stage(
              "ingest",
              ms,
              out,
              progress,
              () -> IngestJob.run(spark, config, date),
              IngestReport::summary);
      // One interaction window for score and moments: resolved once, released after both.
      ScoreReport score;
      MomentsJob.Report moments;
      try (InteractionWindow window = InteractionWindow.open(spark, config, date)) {
        score =
            stage(
                "score",
                ms,
                out,
                progress,
                () -> ScoreJob.run(spark, config, window),
                ScoreReport::summary);
        moments =
            stage(
                "moments",
                ms,
                out,
                progress,
                () -> MomentsJob.run(spark, config, window),
                MomentsJob.Report::summary);
      }
      PerksJob.Report perks =
          stage(
              "perks",
              ms,
              out,
              progress,
              () -> PerksJob.run(spark, config, date),
              PerksJob.Report::summary);
      DailyReport report =
          new DailyReport(
              date.toString(),
              "complete",
              fingerprint,
              config.scoring().modelVersion(),
              ingest,
              score,
              moments,
              perks,
              ms,
              (System.nanoTime() - started) / 1_000_000,
              ConfigLoader.flatten(config));
      Reports.write(spark, reportPath, report);
      return report;
    }
  }

  private static <T> T stage(
      String name,
      Map<String, Long> ms,
      PrintStream out,
      Progress progress,
      Supplier<T> body,
      Function<T, String> summary) {
    long t = System.nanoTime();
    progress.stage(name);
    T result = body.get();
    long took = (System.nanoTime() - t) / 1_000_000;
    ms.put(name, took);
    out.printf("  %s (%.1f s)%n", summary.apply(result), took / 1000.0);
    return result;
  }

  /**
   * Days from {@code from} to {@code to}, both included, in order: each day builds on the one
   * before.
   */
  public static void runRange(
      SparkSession spark,
      CloutConfig config,
      LocalDate from,
      LocalDate to,
      boolean force,
      PrintStream out) {
    if (to.isBefore(from)) {
      throw new CloutException("Cannot backfill: --to " + to + " is before --from " + from);
    }
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      out.println("day " + d);
      runDay(spark, config, d, force, out);
    }
  }

  /**
   * What a day's result depends on: the raw files of its partition and the identity files (name,
   * size, modification time), every model parameter, the perks catalog (read and validated here, so
   * a bad catalog stops the run before any table changes), and the previous day's fingerprint,
   * since a day builds on the one before. Equal fingerprints mean a rerun would compute the same.
   */
  static String fingerprint(SparkSession spark, CloutConfig config, LocalDate date) {
    Map<String, String> parts = new TreeMap<>();
    String raw = Tables.stripSlash(config.paths().raw());
    listing(spark, raw + "/engagement/dt=" + date, parts);
    listing(spark, raw + "/identities", parts);
    parts.put("perks", PerksJob.catalog(spark, config).toString());
    ConfigLoader.flatten(config)
        .forEach(
            (k, v) -> {
              if (!k.startsWith("spark.")) {
                parts.put("param:" + k, v);
              }
            });
    parts.put(
        "previous",
        Reports.read(
                spark,
                Tables.reportPath(config, "daily", date.minusDays(1).toString()),
                DailyReport.class)
            .map(DailyReport::fingerprint)
            .orElse(""));
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      parts.forEach((k, v) -> sha.update((k + "=" + v + "\n").getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void listing(SparkSession spark, String folder, Map<String, String> into) {
    Path dir = new Path(folder);
    try {
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(dir)) {
        return;
      }
      for (FileStatus s : fs.listStatus(dir)) {
        into.put(
            "file:" + s.getPath().toUri().getPath(), s.getLen() + "@" + s.getModificationTime());
      }
    } catch (IOException e) {
      throw new CloutException("Cannot list " + folder + ": " + e.getMessage(), e);
    }
  }
}
