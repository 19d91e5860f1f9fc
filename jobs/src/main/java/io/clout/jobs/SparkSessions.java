package io.clout.jobs;

import io.clout.common.config.CloutConfig;
import org.apache.spark.sql.SparkSession;

/** The one place sessions are built, for the command line and for tests alike. */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession create(CloutConfig config, String appName) {
    SparkSession.Builder b =
        SparkSession.builder()
            .appName(appName)
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            // Dates and event days are UTC everywhere, whatever the machine's zone.
            .config("spark.sql.session.timeZone", "UTC");
    // spark-submit sets spark.master itself; the config's master is for local runs only.
    if (System.getProperty("spark.master") == null) {
      b.master(config.spark().master());
    }
    config.spark().conf().forEach(b::config);
    SparkSession spark = b.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }
}
