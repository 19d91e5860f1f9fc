package io.clout.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import io.clout.common.events.Reason;
import io.clout.common.events.ValidationRules;
import io.clout.jobs.Caches;
import io.clout.jobs.CloutException;
import io.clout.jobs.Delta;
import io.clout.jobs.Reports;
import io.clout.jobs.Table;
import io.clout.jobs.Tables;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Ingests one day's partition {@code <raw>/engagement/dt=D/} (and the identity files) into {@code
 * engagements}, {@code identities} and {@code rejected_events}. Rows carry the {@code ingest_date}
 * that delivered them, and each table write replaces exactly that day's rows, so a rerun leaves the
 * tables as the first run left them.
 */
public final class IngestJob {
  private IngestJob() {}

  public static IngestReport run(SparkSession spark, CloutConfig config, LocalDate date) {
    long started = System.nanoTime();
    String day = date.toString();
    CloutConfig.Ingest ing = config.ingest();
    ValidationRules rules =
        new ValidationRules(
            Set.copyOf(ing.networks()),
            ing.maxLineChars(),
            ing.maxAgeDays(),
            ing.futureSkewHours());
    String raw = Tables.stripSlash(config.paths().raw());
    String partition = raw + "/engagement/dt=" + day;
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    List<String> eventFiles = listFiles(hadoop, partition, !ing.missingPartitionIsEmpty());
    List<String> identityFiles = listFiles(hadoop, raw + "/identities", false);

    Map<String, String> conf = new HashMap<>();
    hadoop.forEach(e -> conf.put(e.getKey(), e.getValue()));
    Dataset<Row> events =
        parse(
            spark,
            eventFiles,
            new RawLines(RawLines.KIND_EVENT, rules, date, ing.rawTextCap(), conf));
    Dataset<Row> identityLines =
        parse(
            spark,
            identityFiles,
            new RawLines(RawLines.KIND_IDENTITY, rules, date, ing.rawTextCap(), conf));

    Dataset<Row> earlierKeys =
        Tables.find(spark, config, Tables.ENGAGEMENTS)
            .map(
                t ->
                    t.where(
                        col("ingest_date")
                            .notEqual(lit(day))
                            .and(
                                col("event_date")
                                    .geq(
                                        lit(rules.oldBound(date).toString().substring(0, 10))
                                            .cast("date")))))
            .orElse(spark.createDataFrame(List.of(), RawLines.SCHEMA))
            .select("network", "event_id");
    // Parsing is the costly step, so the parsed lines are cached and read by every step after it.
    // Duplicates are found from the keys alone; there are few of them, and once cached and
    // counted, their size lets Spark broadcast them into the join that marks them.
    Dataset<Row> parsed = Caches.packed(events);
    Dataset<Row> duplicates =
        IngestTransforms.duplicateLines(parsed, earlierKeys)
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> resolvedIdentities =
        IngestTransforms.resolveIdentities(identityLines).persist(StorageLevel.MEMORY_AND_DISK());
    duplicates.count();
    Dataset<Row> classifiedEvents = IngestTransforms.withDuplicates(parsed, duplicates);
    Dataset<Row> classified = classifiedEvents.unionByName(resolvedIdentities);
    try {
      Counts counts = Counts.of(IngestTransforms.outcomeCounts(classified).collectAsList());
      double rejectedFraction =
          counts.linesRead == 0 ? 0 : (double) counts.rejected / counts.linesRead;
      boolean tooMany = rejectedFraction > ing.maxRejectedFraction();
      if (!tooMany) {
        Tables.write(
            config, Tables.REJECTED_EVENTS, IngestTransforms.rejected(classified, day), date);
        // Each table from the cache that holds its rows: the identities do not scan the parsed
        // events, nor the engagements the identities.
        Tables.write(
            config, Tables.IDENTITIES, IngestTransforms.identities(resolvedIdentities), date);
        Tables.write(
            config, Tables.ENGAGEMENTS, IngestTransforms.engagements(classifiedEvents, day), date);
      }
      Map<String, Long> versions = new TreeMap<>();
      for (Table t : List.of(Tables.REJECTED_EVENTS, Tables.IDENTITIES, Tables.ENGAGEMENTS)) {
        versions.put(t.name(), Delta.version(spark, Tables.path(config, t)));
      }
      IngestReport report =
          new IngestReport(
              day,
              tooMany ? "failed" : "ok",
              partition,
              eventFiles.size(),
              counts.filesRejected,
              counts.fileReasons,
              counts.linesRead,
              counts.accepted,
              counts.duplicates,
              counts.rejected,
              counts.byReason,
              counts.identityLines,
              counts.identitiesAccepted,
              counts.identityLines - counts.identitiesAccepted,
              versions,
              (System.nanoTime() - started) / 1_000_000,
              ConfigLoader.flatten(config));
      Reports.write(spark, Tables.reportPath(config, "ingest", day), report);
      if (tooMany) {
        throw new CloutException(
            String.format(
                "Cannot ingest %s: %.1f%% of lines rejected, above ingest.max-rejected-fraction %.2f; no table was changed. "
                    + "Top reasons %s. Fix the input, or raise the threshold with --set ingest.max-rejected-fraction=...",
                day, 100 * rejectedFraction, ing.maxRejectedFraction(), counts.byReason));
      }
      return report;
    } finally {
      parsed.unpersist();
      duplicates.unpersist();
      resolvedIdentities.unpersist();
    }
  }

  private static Dataset<Row> parse(SparkSession spark, List<String> files, RawLines reader) {
    if (files.isEmpty()) {
      return spark.createDataFrame(List.of(), RawLines.SCHEMA);
    }
    JavaRDD<Row> rows =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            // One task a file: a file is read as one stream, whatever its compression.
            .parallelize(files, files.size())
            .flatMap(reader);
    return spark.createDataFrame(rows, RawLines.SCHEMA);
  }

  /** Lists the data files of a folder (not hidden {@code _} or {@code .} files), sorted. */
  static List<String> listFiles(Configuration hadoop, String folder, boolean required) {
    Path dir = new Path(folder);
    try {
      FileSystem fs = dir.getFileSystem(hadoop);
      List<String> out = new ArrayList<>();
      for (FileStatus s : fs.listStatus(dir)) {
        String name = s.getPath().getName();
        if (s.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
          out.add(s.getPath().toString());
        }
      }
      out.sort(null);
      return out;
    } catch (FileNotFoundException e) {
      if (required) {
        throw new CloutException(
            "Cannot ingest: no partition at "
                + folder
                + " (check --raw and --date, or --set ingest.missing-partition=empty for a day"
                + " nobody engaged)");
      }
      return List.of();
    } catch (IOException e) {
      throw new CloutException("Cannot list " + folder + ": " + e.getMessage(), e);
    }
  }

  /** The report's counts, from one aggregation over the classified rows. */
  private record Counts(
      long linesRead,
      long accepted,
      long duplicates,
      long rejected,
      long filesRejected,
      long identityLines,
      long identitiesAccepted,
      Map<String, Long> byReason,
      Map<String, Long> fileReasons) {

    static Counts of(List<Row> rows) {
      long lines = 0, accepted = 0, dups = 0, rejected = 0, files = 0, idLines = 0, idOk = 0;
      Map<String, Long> byReason = new TreeMap<>();
      Map<String, Long> fileReasons = new TreeMap<>();
      for (Row r : rows) {
        String kind = r.getAs("record_kind");
        String reason = r.getAs("reason");
        long n = r.<Long>getAs("n");
        switch (kind) {
          case RawLines.KIND_FILE -> {
            files += n;
            fileReasons.merge(reason, n, Long::sum);
          }
          case RawLines.KIND_IDENTITY -> {
            idLines += n;
            idOk += reason == null ? n : 0;
          }
          default -> {
            lines += n;
            if (reason == null) {
              accepted += n;
            } else {
              byReason.merge(reason, n, Long::sum);
              if (Reason.valueOf(reason).isDuplicate()) {
                dups += n;
              } else {
                rejected += n;
              }
            }
          }
        }
      }
      return new Counts(
          lines, accepted, dups, rejected, files, idLines, idOk, byReason, fileReasons);
    }
  }
}
