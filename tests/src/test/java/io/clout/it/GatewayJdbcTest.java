package io.clout.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import io.clout.jobs.Catalog;
import io.clout.jobs.GatewayLauncher;
import io.clout.jobs.Pipeline;
import io.clout.jobs.Table;
import io.clout.jobs.Tables;
import io.clout.jobs.TestSpark;
import io.clout.jobs.View;
import io.clout.jobs.generate.Generator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BI endpoint end to end: the real jobs build a small warehouse, the gateway JVM ({@code
 * gateway/}, Spark 3.5 with Delta 3.3) serves it as {@code ./clout serve} starts it, and the
 * standard Hive JDBC driver queries it: every view and {@code current_scores} return what the same
 * query returns in-process (Spark 4.2), every table is readable by Delta 3.3 and its protocol stays
 * within what Delta 3.3 reads, time travel works, column comments reach the client, a wrong
 * password is refused, and so is every write.
 */
class GatewayJdbcTest {
  static final LocalDate START = LocalDate.parse("2026-04-01");
  static final LocalDate LAST = START.plusDays(1);
  static final String USER = "analyst";
  static final String PASSWORD = "chart-me";

  /** The writer features Delta 3.3 supports; a table needing another would not be served. */
  static final Set<String> DELTA_33_FEATURES =
      Set.of(
          "appendOnly",
          "invariants",
          "checkConstraints",
          "changeDataFeed",
          "generatedColumns",
          "columnMapping",
          "identityColumns",
          "deletionVectors",
          "rowTracking",
          "timestampNtz",
          "domainMetadata",
          "v2Checkpoint",
          "icebergCompatV1",
          "icebergCompatV2",
          "clustering",
          "vacuumProtocolCheck");

  @TempDir static Path tmp;
  static SparkSession spark;
  static CloutConfig config;
  static Process gateway;
  static String url;
  static List<String> servedBeforeTheSecondDay;
  static List<String> tablesBeforeTheSecondDay;
  static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  @BeforeAll
  static void buildTheWarehouseAndStartTheGateway() throws Exception {
    spark = TestSpark.spark();
    Generator.generate(new Generator.Params(80, 2, START, 7, 0.005), tmp.resolve("raw"));
    config =
        ConfigLoader.load(
            null,
            Map.of(
                "paths.raw", tmp.resolve("raw").toString(),
                "paths.warehouse", tmp.resolve("wh").toString(),
                "moments.unanswered-min-score", "30",
                "perks.catalog",
                    Path.of(System.getProperty("clout.repo.root"), "conf", "perks.yaml")
                        .toString()),
            Map.of());
    // One day before the gateway starts; the second is written while it serves (see below).
    Pipeline.runRange(spark, config, START, START, false, System.out);
    // As if milestones were a table this version adds: the catalog the gateway starts from does
    // not list it yet; the second day's first write of it adds it, and the gateway's refresh
    // (every second here) serves it.
    Path catalog = tmp.resolve("wh/_catalog/catalog.json");
    var root = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(catalog.toFile());
    var tables = (com.fasterxml.jackson.databind.node.ArrayNode) root.get("tables");
    for (int i = tables.size() - 1; i >= 0; i--) {
      if (tables.get(i).path("name").asText().equals(Tables.MILESTONES.name())) {
        tables.remove(i);
      }
    }
    JSON.writeValue(catalog.toFile(), root);

    Path passwords = tmp.resolve("bi-users");
    Files.writeString(
        passwords, "# user:sha256(password)\n" + USER + ":" + sha256(PASSWORD) + "\n");
    int port = S3ProxyServer.freePort();
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.master", "local[2]");
    conf.put("spark.sql.shuffle.partitions", "2");
    conf.put("hive.server2.authentication", "CUSTOM");
    conf.put(
        "hive.server2.custom.authentication.class", "io.clout.gateway.PasswordFileAuthenticator");
    conf.put("clout.gateway.password-file", passwords.toString());
    conf.put("clout.gateway.refresh-seconds", "1");
    gateway = start(tmp.resolve("wh").toString(), "127.0.0.1", port, conf, "gateway");
    awaitReady(gateway, tmp.resolve("gateway.out"), tmp.resolve("gateway.err"));
    url = "jdbc:hive2://127.0.0.1:" + port + "/default";
    servedBeforeTheSecondDay = jdbc("SELECT count(*) FROM scores");
    tablesBeforeTheSecondDay = tableNames();
    Pipeline.runRange(spark, config, LAST, LAST, false, System.out);
    long deadline = System.currentTimeMillis() + 30_000;
    while (!tableNames().contains(Tables.MILESTONES.name())
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(500);
    }
  }

  @AfterAll
  static void stopTheGateway() throws InterruptedException {
    if (gateway != null) {
      gateway.destroy();
      gateway.waitFor(30, TimeUnit.SECONDS);
    }
  }

  static String sha256(String s) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes("UTF-8")));
  }

  static Process start(
      String warehouse, String host, int port, Map<String, String> conf, String log)
      throws IOException {
    return start(warehouse, host, port, conf, tmp.resolve(log));
  }

  /** The gateway as {@code ./clout serve} starts it; its output in {@code log}.out and .err. */
  static Process start(String warehouse, String host, int port, Map<String, String> conf, Path log)
      throws IOException {
    Path home = Path.of(System.getProperty("clout.home"));
    return new ProcessBuilder(GatewayLauncher.command(home, warehouse, host, port, conf))
        .redirectOutput(Path.of(log + ".out").toFile())
        .redirectError(Path.of(log + ".err").toFile())
        .start();
  }

  static void awaitReady(Process p, Path out, Path err) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (System.nanoTime() < deadline) {
      if (Files.exists(out) && Files.readString(out).contains("clout serve:")) {
        return;
      }
      if (!p.isAlive()) {
        throw new AssertionError(
            "the gateway exited with " + p.exitValue() + ":\n" + Files.readString(err));
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the gateway did not start in 300 s:\n" + Files.readString(err));
  }

  static Connection connect() throws SQLException {
    return DriverManager.getConnection(url, USER, PASSWORD);
  }

  /** Each row as strings, through JDBC. */
  static List<String> jdbc(String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        List<String> cells = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          Object o = r.getObject(i);
          cells.add(o == null ? "NULL" : String.valueOf(o));
        }
        rows.add(String.join("|", cells));
      }
    }
    return rows;
  }

  /** Each row as strings, in this JVM's Spark 4.2 session. */
  static List<String> inProcess(String sql) {
    Catalog.registerTempViews(spark, config);
    List<String> rows = new ArrayList<>();
    for (Row r : spark.sql(sql).collectAsList()) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < r.length(); i++) {
        cells.add(r.isNullAt(i) ? "NULL" : String.valueOf(r.get(i)));
      }
      rows.add(String.join("|", cells));
    }
    return rows;
  }

  /**
   * SELECT every column, dates, times and nested values as text (the same in both Spark versions;
   * JDBC drivers give nested values as JSON text anyway), ordered by every column.
   */
  static String select(String name, StructType schema) {
    List<String> cols = new ArrayList<>();
    for (StructField f : schema.fields()) {
      var t = f.dataType();
      cols.add(
          t instanceof ArrayType || t instanceof StructType || t instanceof MapType
              ? "to_json(" + f.name() + ") AS " + f.name()
              : t.equals(DataTypes.DateType) || t.equals(DataTypes.TimestampType)
                  ? "CAST(" + f.name() + " AS STRING) AS " + f.name()
                  : f.name());
    }
    return "SELECT " + String.join(", ", cols) + " FROM " + name;
  }

  @Test
  void everyViewAndCurrentScoresReturnOverJdbcWhatTheyReturnInProcess() throws Exception {
    Map<String, StructType> queried = new LinkedHashMap<>();
    queried.put(Tables.CURRENT_SCORES.name(), Tables.CURRENT_SCORES.schema());
    for (View v : Tables.VIEWS) {
      queried.put(v.name(), v.schema());
    }
    for (var e : queried.entrySet()) {
      String sql = select(e.getKey(), e.getValue());
      List<String> expected = inProcess(sql);
      List<String> actual = jdbc(sql);
      assertThat(actual)
          .as(e.getKey() + " over JDBC")
          .containsExactlyInAnyOrderElementsOf(expected);
    }
    // Not vacuous: the views hold rows.
    assertThat(inProcess("SELECT count(*) FROM current_score_changes"))
        .isEqualTo(inProcess("SELECT count(*) FROM current_scores"))
        .isNotEqualTo(List.of("0"));
    assertThat(inProcess("SELECT count(*) > 0 FROM moment_engagers")).containsExactly("true");
    assertThat(inProcess("SELECT count(*) FROM score_distribution")).containsExactly("20");
    assertThat(inProcess("SELECT count(*) > 0 FROM top_movers")).containsExactly("true");
  }

  @Test
  void everyTableIsReadByDelta33AndItsProtocolStaysWithinWhatDelta33Reads() throws Exception {
    for (Table t : Tables.ALL) {
      Row detail = spark.sql("DESCRIBE DETAIL delta.`" + Tables.path(config, t) + "`").first();
      assertThat(detail.<Integer>getAs("minReaderVersion")).as(t + " reader").isEqualTo(1);
      assertThat(detail.<Integer>getAs("minWriterVersion"))
          .as(t + " writer")
          .isLessThanOrEqualTo(7);
      List<String> features = detail.getList(detail.fieldIndex("tableFeatures"));
      assertThat(features).as(t + " features").isSubsetOf(DELTA_33_FEATURES);
      assertThat(jdbc("SELECT count(*) FROM " + t.name()))
          .as(t + " over JDBC")
          .isEqualTo(inProcess("SELECT count(*) FROM " + t.name()));
    }
    // scores carries the change data feed: writer 7 with changeDataFeed.
    Row scores =
        spark.sql("DESCRIBE DETAIL delta.`" + Tables.path(config, Tables.SCORES) + "`").first();
    assertThat(scores.getList(scores.fieldIndex("tableFeatures"))).contains("changeDataFeed");
  }

  @Test
  void timeTravelAndColumnCommentsReachTheClient() throws Exception {
    String path = Tables.path(config, Tables.SCORES);
    long first = spark.read().format("delta").option("versionAsOf", 0).load(path).count();
    assertThat(jdbc("SELECT count(*) FROM scores VERSION AS OF 0")).containsExactly("" + first);
    assertThat(first).isLessThan(spark.read().format("delta").load(path).count());

    Map<String, String> comments = new LinkedHashMap<>();
    for (String row : jdbc("DESCRIBE current_scores")) {
      String[] cells = row.split("\\|", -1);
      comments.putIfAbsent(cells[0], cells[2]);
    }
    for (String column : Tables.CURRENT_SCORES.columns()) {
      assertThat(comments.get(column)).as(column).isEqualTo(Tables.CURRENT_SCORES.comment(column));
    }
    Map<String, String> viewComments = new LinkedHashMap<>();
    for (String row : jdbc("DESCRIBE top_movers")) {
      String[] cells = row.split("\\|", -1);
      viewComments.putIfAbsent(cells[0], cells[2]);
    }
    assertThat(viewComments.get("direction")).isEqualTo(Tables.TOP_MOVERS.comment("direction"));
  }

  @Test
  void aSchemaBrowserListsTheTablesAndViewsWithTheirColumns() throws Exception {
    List<String> names = new ArrayList<>();
    List<String> columns = new ArrayList<>();
    try (Connection c = connect()) {
      var meta = c.getMetaData();
      try (ResultSet r = meta.getTables(null, "default", "%", null)) {
        while (r.next()) {
          names.add(r.getString("TABLE_NAME") + ":" + r.getString("TABLE_TYPE"));
        }
      }
      try (ResultSet r = meta.getColumns(null, "default", "score_distribution", "%")) {
        while (r.next()) {
          columns.add(r.getString("COLUMN_NAME") + ":" + r.getString("REMARKS"));
        }
      }
    }
    assertThat(names).contains("current_scores:TABLE", "scores:TABLE", "top_movers:VIEW");
    assertThat(names).hasSize(Tables.ALL.size() + Tables.VIEWS.size());
    assertThat(columns)
        .containsExactlyElementsOf(
            java.util.Arrays.stream(Tables.SCORE_DISTRIBUTION.schema().fieldNames())
                .map(f -> f + ":" + Tables.SCORE_DISTRIBUTION.comment(f))
                .toList());
  }

  @Test
  void aDayWrittenWhileTheGatewayRunsIsServedWithoutARestart() throws Exception {
    String query = "SELECT count(*), max(score_date) FROM scores";
    List<String> served = jdbc(query);
    assertThat(served).isEqualTo(inProcess(query));
    String[] cells = served.get(0).split("\\|");
    assertThat(cells[1]).isEqualTo(LAST.toString());
    assertThat(Long.parseLong(cells[0]))
        .isGreaterThan(Long.parseLong(servedBeforeTheSecondDay.get(0)));
    assertThat(jdbc("SELECT DISTINCT score_date FROM current_scores"))
        .containsExactly(LAST.toString());
  }

  @Test
  void aTableTheCatalogGainsWhileTheGatewayRunsIsServedWithoutARestart() throws Exception {
    assertThat(tablesBeforeTheSecondDay)
        .contains(Tables.SCORES.name())
        .doesNotContain(Tables.MILESTONES.name());
    assertThat(tableNames()).contains(Tables.MILESTONES.name());
    String query = "SELECT count(*), max(score_date) FROM milestones";
    assertThat(jdbc(query)).isEqualTo(inProcess(query));
  }

  static List<String> tableNames() throws SQLException {
    return jdbc("SHOW TABLES").stream().map(r -> r.split("\\|")[1]).toList();
  }

  @Test
  void aWrongPasswordIsRefused() {
    assertThatThrownBy(() -> DriverManager.getConnection(url, USER, "guess").close())
        .isInstanceOf(SQLException.class);
  }

  @Test
  void aBiConnectionCannotWrite() throws Exception {
    List<String> before = inProcess("SELECT count(*) FROM scores");
    long history =
        spark.sql("DESCRIBE HISTORY delta.`" + Tables.path(config, Tables.SCORES) + "`").count();
    Map<String, String> refused = new LinkedHashMap<>();
    refused.put("INSERT INTO scores SELECT * FROM scores LIMIT 1", "Cannot run INSERT");
    refused.put("DELETE FROM scores WHERE score > 50", "Cannot run DELETE");
    refused.put("DROP TABLE current_scores", "Cannot run DROP");
    refused.put("CREATE TABLE bi_scratch (a INT) USING delta", "Cannot run CREATE");
    refused.put("CREATE VIEW bi_view AS SELECT 1 AS a", "Cannot run CREATE");
    refused.put("ALTER TABLE scores SET TBLPROPERTIES ('x' = 'y')", "Cannot run ALTER");
    refused.put("SELECT reflect('java.lang.System', 'exit', 1)", "Cannot run reflect");
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (var e : refused.entrySet()) {
        assertThatThrownBy(() -> s.execute(e.getKey()))
            .as(e.getKey())
            .isInstanceOf(SQLException.class)
            .hasMessageContaining(e.getValue())
            .hasMessageContaining("read-only");
      }
      // The connection still answers reads afterwards.
      try (ResultSet r = s.executeQuery("SELECT count(*) FROM scores")) {
        r.next();
        assertThat(r.getLong(1) + "").isEqualTo(before.get(0));
      }
    }
    assertThat(inProcess("SELECT count(*) FROM scores")).isEqualTo(before);
    assertThat(
            spark
                .sql("DESCRIBE HISTORY delta.`" + Tables.path(config, Tables.SCORES) + "`")
                .count())
        .isEqualTo(history);
    assertThat(jdbc("SHOW TABLES").stream().map(r -> r.split("\\|")[1]))
        .contains("current_scores", "top_movers")
        .doesNotContain("bi_scratch", "bi_view");
  }

  @Test
  void anotherAddressWithoutAuthenticationIsRefusedBeforeSparkStarts() throws Exception {
    Process p = start(tmp.resolve("wh").toString(), "0.0.0.0", 10999, Map.of(), "open");
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(Files.readString(tmp.resolve("open.err")))
        .contains("clout serve: Cannot serve on 0.0.0.0 without authentication");
  }
}
