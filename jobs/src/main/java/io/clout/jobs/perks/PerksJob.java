package io.clout.jobs.perks;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.clout.common.config.CloutConfig;
import io.clout.common.perks.Perk;
import io.clout.common.perks.PerkCatalog;
import io.clout.jobs.CloutException;
import io.clout.jobs.Delta;
import io.clout.jobs.Reports;
import io.clout.jobs.Table;
import io.clout.jobs.Tables;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code clout perks --date D}: perk eligibility from the perks catalog and milestones, from the
 * day's scores and moments. Each table's day is replaced whole, so a rerun gives the same rows.
 */
public final class PerksJob {
  private PerksJob() {}

  /** Rows written per table, and the perks offered. */
  public record Report(
      String date,
      int perksInCatalog,
      Map<String, Long> rows,
      Map<String, Long> tableVersions,
      long durationMs) {
    public String summary() {
      return "perks " + date + ": " + perksInCatalog + " perks in the catalog, " + rows;
    }
  }

  public static Report run(SparkSession spark, CloutConfig config, LocalDate day) {
    long started = System.nanoTime();
    List<Perk> perks = catalog(spark, config);
    Dataset<Row> scores =
        Tables.find(spark, config, Tables.SCORES)
            .orElseThrow(() -> missing(day, "no scores table", "score"));
    Dataset<Row> dayScores = scores.where(col("score_date").equalTo(lit(Date.valueOf(day))));
    if (dayScores.isEmpty()) {
      throw missing(day, "no scores for that day", "score");
    }
    Dataset<Row> dayMoments =
        Tables.read(spark, config, Tables.MOMENTS)
            .where(col("score_date").equalTo(lit(Date.valueOf(day))));
    Map<Table, Dataset<Row>> out = new LinkedHashMap<>();
    out.put(
        Tables.PERK_ELIGIBILITY,
        PerkTransforms.eligibility(
            dayScores,
            PerkTransforms.catalog(spark, perks),
            Tables.read(spark, config, Tables.PERK_ELIGIBILITY)
                .where(col("score_date").equalTo(lit(Date.valueOf(day.minusDays(1))))),
            day));
    out.put(
        Tables.MILESTONES,
        PerkTransforms.milestones(
            scores,
            dayMoments,
            Tables.read(spark, config, Tables.MILESTONES),
            day,
            config.milestones()));
    Map<String, Long> rows = new LinkedHashMap<>();
    Map<String, Long> versions = new LinkedHashMap<>();
    for (Map.Entry<Table, Dataset<Row>> e : out.entrySet()) {
      Table table = e.getKey();
      Tables.write(config, table, e.getValue(), day);
      rows.put(
          table.name(),
          Tables.read(spark, config, table)
              .where(col("score_date").equalTo(lit(Date.valueOf(day))))
              .count());
      versions.put(table.name(), Delta.version(spark, Tables.path(config, table)));
    }
    Report report =
        new Report(
            day.toString(),
            perks.size(),
            rows,
            versions,
            (System.nanoTime() - started) / 1_000_000);
    Reports.write(spark, Tables.reportPath(config, "perks", day.toString()), report);
    return report;
  }

  private static CloutException missing(LocalDate day, String what, String command) {
    return new CloutException(
        "Cannot compute perks for "
            + day
            + ": "
            + what
            + "; run ./clout "
            + command
            + " --date "
            + day
            + " first");
  }

  /**
   * The perks catalog of {@code perks.catalog}, validated; empty when none is configured. A
   * relative path is read from the Clout home ({@code -Dclout.home}, {@code CLOUT_HOME}, else the
   * working folder); a URI ({@code s3a://...}) through Hadoop.
   */
  public static List<Perk> catalog(SparkSession spark, CloutConfig config) {
    String name = config.perks().catalog();
    if (name.isEmpty()) {
      return List.of();
    }
    URI uri = URI.create(name.replace(" ", "%20"));
    if (uri.getScheme() == null) {
      String home =
          System.getProperty("clout.home", System.getenv().getOrDefault("CLOUT_HOME", "."));
      uri = Path.of(home).resolve(name).toAbsolutePath().normalize().toUri();
    }
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(uri);
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (InputStream in = fs.open(path)) {
        return PerkCatalog.read(in, name, config.ingest().networks());
      }
    } catch (FileNotFoundException e) {
      throw new CloutException(
          "Cannot read the perks catalog: no file " + path + " (perks.catalog)", e);
    } catch (IOException e) {
      throw new CloutException("Cannot read the perks catalog " + path + ": " + e.getMessage(), e);
    }
  }
}
