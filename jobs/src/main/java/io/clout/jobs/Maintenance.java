package io.clout.jobs;

import io.clout.common.config.CloutConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code clout maintain}: compaction (OPTIMIZE, Z-ordered by person_id where readers filter by
 * person) and VACUUM with a retention no shorter than Delta's safe default. docs/operations.md.
 */
public final class Maintenance {
  private Maintenance() {}

  public static void run(SparkSession spark, CloutConfig config, int retainHours, PrintStream out) {
    if (retainHours < 168) {
      throw new CloutException(
          "Cannot vacuum with --retain-hours "
              + retainHours
              + ": below 168 (7 days) a reader or a running job may still need the files");
    }
    for (Table table : Tables.ALL) {
      String path = Tables.path(config, table);
      if (!Delta.exists(spark, path)) {
        continue;
      }
      String ref = Delta.sqlRef(spark, path);
      long t = System.nanoTime();
      alignProperties(spark, ref, table.properties());
      String zOrder = String.join(", ", table.zOrder());
      spark.sql("OPTIMIZE " + ref + (zOrder.isEmpty() ? "" : " ZORDER BY (" + zOrder + ")"));
      spark.sql("VACUUM " + ref + " RETAIN " + retainHours + " HOURS");
      out.printf(
          "  %s: optimized%s and vacuumed (%.1f s)%n",
          table.name(),
          zOrder.isEmpty() ? "" : " (z-order " + zOrder + ")",
          (System.nanoTime() - t) / 1e9);
    }
  }

  /**
   * Sets the catalog's table properties where a table lacks them: tables get them when created, so
   * this only brings in line a table created by an older version.
   */
  static void alignProperties(SparkSession spark, String ref, Map<String, String> properties) {
    Map<String, String> have = new HashMap<>();
    for (Row r : spark.sql("SHOW TBLPROPERTIES " + ref).collectAsList()) {
      have.put(r.getString(0), r.getString(1));
    }
    List<String> missing = new ArrayList<>();
    properties.forEach(
        (k, v) -> {
          if (!v.equals(have.get(k))) {
            missing.add("'" + k + "' = '" + v + "'");
          }
        });
    if (!missing.isEmpty()) {
      spark.sql("ALTER TABLE " + ref + " SET TBLPROPERTIES (" + String.join(", ", missing) + ")");
    }
  }
}
