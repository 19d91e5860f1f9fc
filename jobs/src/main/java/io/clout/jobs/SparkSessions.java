package io.clout.jobs;

import io.clout.common.config.CloutConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The one place sessions are configured, for the command line and for tests alike. */
public final class SparkSessions {
  private SparkSessions() {}

  /** Settings every Clout session has: Delta, and UTC for event days. */
  static Map<String, String> base() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    s.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    // Dates and event days are UTC everywhere, whatever the machine's zone.
    s.put("spark.sql.session.timeZone", "UTC");
    // A partitioned write (engagements by event_date) keeps a writer open per date a task meets
    // instead of sorting the task's rows by date first; a day's events span only a few dates.
    s.put("spark.sql.maxConcurrentOutputFileWriters", "8");
    // A day runs more generated classes than Spark's default cache of 100 holds, so every day of
    // a backfill compiled them again (a tiny second day: 24.0 s with 100, 19.5 s with 1000 or
    // 5000).
    s.put("spark.sql.codegen.cache.maxEntries", "1000");
    // Blocks cached serialized are compressed (LZ4): the large caches are (Caches.packed).
    s.put("spark.rdd.compress", "true");
    // Partial aggregations go straight to Spark's hash map, without first trying a small
    // generated map of 65,536 groups, which Spark makes for keys and buffers of simple types unless
    // a buffer is a decimal wider than 18 digits. Rounded.exactSum's buffers are longs, and where
    // groups are mostly of one row the small map is full at once and then costs memory and a probe
    // per row (at 9.56M lines the breakdown's aggregation took 88.7 to 92.0 task s with it and 46.1
    // without).
    s.put("spark.sql.codegen.aggregate.map.twolevel.enabled", "false");
    // Ids are written without Parquet's dictionary encoding. Their values hardly repeat within a
    // file, so the writer hashed each one into a dictionary it then gave up: at 9.56M lines the
    // engagements write took 37.7 and 38.7 task s without it against 44.3 to 55.1 with it, and the
    // day's files grew by 1% (docs/ingest-performance.md). The setting goes by column name, so it
    // holds for every table with one of these columns.
    for (String column : DICTIONARY_OFF) {
      s.put("spark.hadoop.parquet.enable.dictionary#" + column, "false");
    }
    return s;
  }

  /** The columns written without a Parquet dictionary: ids that hardly repeat within a file. */
  public static final List<String> DICTIONARY_OFF =
      List.of("event_id", "line_number", "actor_id", "target_id", "post_id", "reply_to_id");

  public static SparkSession create(CloutConfig config, String appName) {
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    base().forEach(b::config);
    // spark-submit sets spark.master itself; the config's master is for local runs only.
    if (System.getProperty("spark.master") == null) {
      b.master(config.spark().master());
    }
    config.spark().conf().forEach(b::config);
    SparkSession spark = b.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  /**
   * The configuration of the one session a test JVM shares: two local cores, two shuffle partitions
   * (tiny data), no UI, bound to loopback.
   */
  public static SparkConf testConf() {
    SparkConf c = new SparkConf().setMaster("local[2]").setAppName("clout-tests");
    base().forEach(c::set);
    c.set("spark.ui.enabled", "false");
    c.set("spark.sql.shuffle.partitions", "2");
    c.set("spark.default.parallelism", "2");
    // Delta's default of 50 snapshot partitions makes every small table read slow.
    c.set("spark.databricks.delta.snapshotPartitions", "2");
    c.set("spark.driver.host", "127.0.0.1");
    c.set("spark.driver.bindAddress", "127.0.0.1");
    c.set("spark.sql.debug.maxToStringFields", "200");
    return c;
  }
}
