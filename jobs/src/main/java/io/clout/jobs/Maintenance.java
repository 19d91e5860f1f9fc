package io.clout.jobs;

import io.clout.common.config.CloutConfig;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * {@code clout maintain}: compaction (OPTIMIZE, Z-ordered by person_id where readers filter by
 * person) and VACUUM with a retention no shorter than Delta's safe default. docs/operations.md.
 */
public final class Maintenance {
  /** Tables read by person: Z-order them on person_id. */
  static final List<String> BY_PERSON =
      List.of(
          Tables.SCORES,
          Tables.SCORE_DRIVERS,
          Tables.MOMENTS,
          Tables.OUTREACH,
          Tables.UNANSWERED_INFLUENCERS,
          Tables.ENGAGEMENT_BREAKDOWN);

  private Maintenance() {}

  public static void run(SparkSession spark, CloutConfig config, int retainHours, PrintStream out) {
    if (retainHours < 168) {
      throw new CloutException(
          "Cannot vacuum with --retain-hours "
              + retainHours
              + ": below 168 (7 days) a reader or a running job may still need the files");
    }
    for (String table : Tables.ALL) {
      String path = Tables.path(config, table);
      if (!Delta.exists(spark, path)) {
        continue;
      }
      String ref = Delta.sqlRef(spark, path);
      long t = System.nanoTime();
      spark.sql("OPTIMIZE " + ref + (BY_PERSON.contains(table) ? " ZORDER BY (person_id)" : ""));
      spark.sql("VACUUM " + ref + " RETAIN " + retainHours + " HOURS");
      out.printf(
          "  %s: optimized%s and vacuumed (%.1f s)%n",
          table,
          BY_PERSON.contains(table) ? " (z-order person_id)" : "",
          (System.nanoTime() - t) / 1e9);
    }
  }

  /** Turns on the change data feed of {@code scores}, so consumers can read only what changed. */
  public static void enableChangeFeed(SparkSession spark, String path) {
    String ref = Delta.sqlRef(spark, path);
    boolean on =
        spark
                .sql("SHOW TBLPROPERTIES " + ref)
                .where("key = 'delta.enableChangeDataFeed' AND value = 'true'")
                .count()
            > 0;
    if (!on) {
      spark.sql("ALTER TABLE " + ref + " SET TBLPROPERTIES (delta.enableChangeDataFeed = true)");
    }
  }
}
