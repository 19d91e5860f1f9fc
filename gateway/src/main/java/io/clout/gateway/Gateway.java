package io.clout.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;

/**
 * {@code ./clout serve}'s JDBC endpoint: a Spark 3.5 session (Delta 3.3) whose session catalog
 * holds the warehouse's tables, as external Delta tables by location, and the curated views, all
 * read from {@code <warehouse>/_catalog/catalog.json}; served over HiveServer2's Thrift protocol
 * ({@code jdbc:hive2://host:port/default}), read-only ({@link ReadOnly}). The catalog file is read
 * again every {@value #REFRESH_KEY} seconds (default 60) for tables and views added since.
 */
public final class Gateway {
  static final String REFRESH_KEY = "clout.gateway.refresh-seconds";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SparkSession spark;
  private final String warehouse;
  private final Set<String> registered = ConcurrentHashMap.newKeySet();

  Gateway(SparkSession spark, String warehouse) {
    this.spark = spark;
    this.warehouse =
        warehouse.endsWith("/") ? warehouse.substring(0, warehouse.length() - 1) : warehouse;
  }

  public static void main(String[] args) throws Exception {
    GatewayOptions options;
    try {
      options = GatewayOptions.parse(List.of(args));
    } catch (GatewayOptions.Invalid e) {
      System.err.println("clout serve: " + e.getMessage());
      System.exit(2);
      return;
    }
    java.nio.file.Path scratch = Files.createTempDirectory("clout-gateway");
    // Derby (the Thrift server's execution metastore) would write derby.log into the working dir.
    System.setProperty("derby.stream.error.file", scratch.resolve("derby.log").toString());
    // HiveServer2 builds its authentication provider from a fresh HiveConf, which takes Hive
    // settings from system properties only: the session's settings would not reach it.
    options
        .conf()
        .forEach(
            (k, v) -> {
              if (k.startsWith("hive.server2.") || k.startsWith("clout.gateway.")) {
                System.setProperty(k, v);
              }
            });
    SparkSession spark = session(options, scratch);
    Runtime.getRuntime().addShutdownHook(new Thread(spark::stop));
    Gateway gateway = new Gateway(spark, options.warehouse());
    int names;
    try {
      names = gateway.register();
    } catch (IllegalStateException e) {
      System.err.println("clout serve: " + e.getMessage());
      spark.stop();
      System.exit(2);
      return;
    }
    HiveThriftServer2.startWithContext(spark.sqlContext());
    System.out.println(
        "clout serve: "
            + names
            + " tables and views of "
            + options.warehouse()
            + " at jdbc:hive2://"
            + options.host()
            + ":"
            + options.port()
            + "/default (read-only, authentication "
            + options.authentication()
            + ")");
    System.out.flush();
    long refresh = Long.parseLong(options.conf().getOrDefault(REFRESH_KEY, "60"));
    if (refresh > 0) {
      ScheduledExecutorService timer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "clout-catalog-refresh");
                t.setDaemon(true);
                return t;
              });
      timer.scheduleWithFixedDelay(
          () -> {
            try {
              gateway.register();
            } catch (RuntimeException e) {
              System.err.println("clout serve: catalog refresh failed: " + e.getMessage());
            }
          },
          refresh,
          refresh,
          TimeUnit.SECONDS);
    }
    new CountDownLatch(1).await();
  }

  /** The gateway's session: Delta, UTC, the read-only check, the Thrift server's address. */
  static SparkSession session(GatewayOptions options, java.nio.file.Path scratch) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.master", "local[*]");
    conf.put("spark.app.name", "clout-gateway");
    conf.put(
        "spark.sql.extensions",
        "io.delta.sql.DeltaSparkSessionExtension," + ReadOnly.class.getName());
    conf.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    conf.put("spark.sql.session.timeZone", "UTC");
    conf.put("spark.sql.shuffle.partitions", "8");
    conf.put("spark.databricks.delta.snapshotPartitions", "2");
    // Delta 3.3 answers count(*) and min/max from its statistics without reading, but under the
    // Thrift server a date there fails (ClassCastException: LocalDate to java.sql.Date); read.
    conf.put("spark.databricks.delta.optimizeMetadataQuery.enabled", "false");
    // The names live in this JVM's in-memory catalog; nothing is written to a warehouse dir.
    conf.put("spark.sql.catalogImplementation", "in-memory");
    conf.put("spark.sql.warehouse.dir", scratch.resolve("spark-warehouse").toUri().toString());
    // Spark's UI would listen on every interface; off unless asked for.
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.driver.host", "127.0.0.1");
    conf.put("spark.driver.bindAddress", "127.0.0.1");
    conf.put("hive.server2.thrift.bind.host", options.host());
    conf.put("hive.server2.thrift.port", String.valueOf(options.port()));
    conf.put("hive.exec.scratchdir", scratch.resolve("hive-scratch").toString());
    conf.put("hive.exec.local.scratchdir", scratch.resolve("hive-local").toString());
    conf.put(
        "hive.server2.logging.operation.log.location",
        scratch.resolve("operation-logs").toString());
    conf.putAll(options.conf());
    SparkSession.Builder b = SparkSession.builder();
    conf.forEach(b::config);
    SparkSession spark = b.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  /**
   * Registers the tables and views of the catalog file not registered yet; returns how many names
   * the session holds. A table Delta 3.3 cannot read fails here, naming it.
   */
  synchronized int register() {
    JsonNode root = catalog();
    ReadOnly.bypass(
        () -> {
          for (JsonNode t : root.path("tables")) {
            String name = t.path("name").asText();
            if (registered.contains(name)) {
              continue;
            }
            String location = warehouse + "/" + t.path("location").asText();
            try {
              spark.sql(
                  "CREATE TABLE IF NOT EXISTS default."
                      + name
                      + " USING delta LOCATION '"
                      + location.replace("'", "\\'")
                      + "'");
            } catch (RuntimeException e) {
              throw new IllegalStateException(
                  "Cannot serve table " + name + " (" + location + "): " + e.getMessage(), e);
            }
            registered.add(name);
          }
          for (JsonNode v : root.path("views")) {
            String name = v.path("name").asText();
            if (registered.contains(name)) {
              continue;
            }
            try {
              spark.sql(
                  "CREATE OR REPLACE VIEW default."
                      + name
                      + " "
                      + v.path("column_list").asText("")
                      + " COMMENT '"
                      + v.path("description").asText().replace("'", "\\'")
                      + "' AS "
                      + v.path("sql").asText());
            } catch (RuntimeException e) {
              throw new IllegalStateException(
                  "Cannot serve view " + name + ": " + e.getMessage(), e);
            }
            registered.add(name);
          }
        });
    return registered.size();
  }

  private JsonNode catalog() {
    Path file = new Path(warehouse + "/_catalog/catalog.json");
    try {
      FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(file)) {
        throw new IllegalStateException(
            "Cannot serve "
                + warehouse
                + ": it has no catalog ("
                + file
                + "); the jobs write it with the first table, and ./clout serve on a warehouse"
                + " written before it existed");
      }
      try (InputStream in = fs.open(file)) {
        JsonNode root = JSON.readTree(in);
        if (root.path("format").asInt(0) != 1) {
          throw new IllegalStateException(
              "Cannot read " + file + ": catalog format " + root.path("format") + ", expected 1");
        }
        return root;
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
