package io.clout.jobs.cli;

import io.clout.common.config.CloutConfig;
import io.clout.gateway.ReadOnly;
import io.clout.jobs.Catalog;
import io.clout.jobs.CloutException;
import io.clout.jobs.GatewayLauncher;
import io.clout.jobs.SparkSessions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clout serve [--host H] [--port N] [--connect [--connect-port N]]}: the warehouse's tables
 * and views for BI tools over JDBC (HiveServer2 protocol, read-only), served by the gateway JVM
 * ({@code gateway/}), and with {@code --connect} also over Spark Connect from this JVM. Both bind
 * to 127.0.0.1 unless told otherwise; another address needs authentication (docs/bi.md).
 */
@Command(
    name = "serve",
    description = {
      "Serve the tables and views: JDBC for BI tools (jdbc:hive2://HOST:PORT/default, read-only)"
          + " and, with --connect, Spark Connect (sc://HOST:CONNECT-PORT). Runs until stopped."
    })
final class ServeCommand implements Callable<Integer> {
  static final String CONNECT_PLUGIN = "org.apache.spark.sql.connect.SparkConnectPlugin";
  static final String CONNECT_AUTH_KEY = "spark.connect.grpc.interceptor.classes";

  @Mixin SparkOptions spark;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "address to bind (default: ${DEFAULT-VALUE}); another needs authentication")
  String host;

  @Option(
      names = "--port",
      defaultValue = "10000",
      description = "JDBC (HiveServer2) port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--connect", description = "also serve Spark Connect from this JVM")
  boolean connect;

  @Option(
      names = "--connect-port",
      defaultValue = "15002",
      description = "Spark Connect port (default: ${DEFAULT-VALUE})")
  int connectPort;

  @Override
  public Integer call() throws Exception {
    if (connect) {
      checkConnectAuthentication(host, spark.sparkConf);
      spark.sparkConf.put("spark.plugins", CONNECT_PLUGIN);
      spark.sparkConf.put("spark.connect.grpc.binding.address", host);
      spark.sparkConf.put("spark.connect.grpc.binding.port", String.valueOf(connectPort));
      // Spark Connect clients are BI users too: the gateway's read-only check rule, which also
      // sees DataFrame writes (df.write.save) since they are analysed as commands.
      spark.sparkConf.put(
          "spark.sql.extensions",
          "io.delta.sql.DeltaSparkSessionExtension," + ReadOnly.class.getName());
    }
    CloutConfig config = spark.load(Map.of());
    SparkSession session = SparkSessions.create(config, "clout-serve");
    Process gateway;
    try {
      String warehouse = qualified(session, config.paths().warehouse());
      // The gateway reads the catalog file only: bring it in line with the warehouse first.
      List<String> names = new ArrayList<>();
      ReadOnly.bypass(() -> names.addAll(Catalog.publish(session, config).names()));
      if (names.isEmpty()) {
        throw new CloutException(
            "Cannot serve "
                + warehouse
                + ": no tables there yet; run the README's first command, or ./clout daily --date D"
                + " (or give --warehouse)");
      }
      if (connect) {
        ReadOnly.bypass(() -> Catalog.registerShared(session, config));
        System.out.println(
            "clout serve: "
                + names.size()
                + " tables and views at sc://"
                + host
                + ":"
                + connectPort
                + " (Spark Connect)");
      } else {
        session.stop();
      }
      Path home = Path.of(System.getProperty("clout.home", "."));
      gateway =
          new ProcessBuilder(
                  GatewayLauncher.command(home, warehouse, host, port, gatewayConf(config)))
              .inheritIO()
              .start();
      Process child = gateway;
      Runtime.getRuntime().addShutdownHook(new Thread(child::destroy));
      return gateway.waitFor();
    } finally {
      session.stop();
    }
  }

  /**
   * What the gateway JVM gets: the Hadoop settings of the configuration (s3a and the like) and
   * every {@code --conf} given, except this JVM's Spark Connect settings and its SQL extensions
   * (the gateway sets its own).
   */
  Map<String, String> gatewayConf(CloutConfig config) {
    Map<String, String> conf = new LinkedHashMap<>();
    config
        .spark()
        .conf()
        .forEach(
            (k, v) -> {
              if (k.startsWith("spark.hadoop.")) {
                conf.put(k, v);
              }
            });
    spark.sparkConf.forEach(
        (k, v) -> {
          if (!k.equals("spark.plugins")
              && !k.startsWith("spark.connect.")
              && !k.equals("spark.sql.extensions")) {
            conf.put(k, v);
          }
        });
    return conf;
  }

  /**
   * Spark Connect has no authentication of its own: off loopback it needs a gRPC interceptor that
   * checks credentials ({@value #CONNECT_AUTH_KEY}).
   */
  static void checkConnectAuthentication(String host, Map<String, String> sparkConf) {
    boolean loopback;
    try {
      loopback = InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new CloutException("Cannot serve on " + host + ": unknown host");
    }
    if (!loopback && !sparkConf.containsKey(CONNECT_AUTH_KEY)) {
      throw new CloutException(
          "Cannot serve Spark Connect on "
              + host
              + " without authentication: Spark Connect checks no credentials itself; set --conf "
              + CONNECT_AUTH_KEY
              + "=<an interceptor class that does>, or bind to 127.0.0.1 (the default)");
    }
  }

  private static String qualified(SparkSession session, String warehouse) throws Exception {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(warehouse);
    return p.getFileSystem(session.sparkContext().hadoopConfiguration())
        .makeQualified(p)
        .toString();
  }
}
