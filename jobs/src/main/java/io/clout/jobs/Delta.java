package io.clout.jobs;

import io.delta.tables.DeltaTable;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Small helpers over Delta tables addressed by path. */
public final class Delta {
  private Delta() {}

  public static boolean exists(SparkSession spark, String path) {
    return DeltaTable.isDeltaTable(spark, path);
  }

  public static Optional<Dataset<Row>> read(SparkSession spark, String path) {
    return exists(spark, path)
        ? Optional.of(spark.read().format("delta").load(path))
        : Optional.empty();
  }

  /** The table's latest version, or -1 where there is no table. */
  public static long version(SparkSession spark, String path) {
    if (!exists(spark, path)) {
      return -1;
    }
    return DeltaTable.forPath(spark, path).history(1).select("version").head().getLong(0);
  }

  /**
   * Puts the table back to {@code version}, as a new commit; a table that did not exist then
   * ({@code -1}) is removed.
   */
  public static void restore(SparkSession spark, String path, long version) {
    if (version >= 0) {
      DeltaTable.forPath(spark, path).restoreToVersion(version);
      return;
    }
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
      p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, true);
    } catch (java.io.IOException e) {
      throw new CloutException("Cannot remove " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * The table as a SQL identifier, {@code delta.`<qualified path>`}; SQL needs the path absolute.
   */
  public static String sqlRef(SparkSession spark, String path) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
      return "delta.`"
          + p.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(p)
          + "`";
    } catch (java.io.IOException e) {
      throw new CloutException("Cannot resolve table path " + path + ": " + e.getMessage(), e);
    }
  }
}
