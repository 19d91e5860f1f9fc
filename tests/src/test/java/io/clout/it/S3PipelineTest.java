package io.clout.it;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import io.clout.jobs.Catalog;
import io.clout.jobs.Table;
import io.clout.jobs.Tables;
import io.clout.jobs.TestSpark;
import io.clout.jobs.generate.Generator;
import io.clout.jobs.ingest.IngestJob;
import io.clout.jobs.ingest.IngestReport;
import io.clout.jobs.score.ScoreJob;
import io.clout.jobs.score.ScoreReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated logs in a real S3-compatible server, ingested through s3a into Delta tables that live
 * in the same server. Expected counts come from the generator's own manifest, not from ingest.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3PipelineTest {
  static final LocalDate DAY1 = LocalDate.parse("2026-03-01");
  static final LocalDate DAY2 = DAY1.plusDays(1);
  @TempDir static Path tmp;
  static S3ProxyServer s3;
  static SparkSession spark;
  static CloutConfig config;
  static Generator.Manifest manifest;

  @BeforeAll
  static void setUp() throws Exception {
    s3 = S3ProxyServer.start(tmp);
    try (var client = s3.client()) {
      client.createBucket(b -> b.bucket("clout"));
    }
    Path raw = tmp.resolve("raw");
    manifest = Generator.generate(new Generator.Params(200, 2, DAY1, 7, 0.01), raw);
    // A damaged upload: half of a gzip file.
    byte[] whole =
        Files.readAllBytes(raw.resolve("engagement/dt=" + DAY2 + "/part-twitter-00000.jsonl.gz"));
    Files.write(
        raw.resolve("engagement/dt=" + DAY2 + "/part-late.jsonl.gz"),
        Arrays.copyOf(whole, whole.length / 2));
    s3.upload(raw, "clout", "raw");

    spark = TestSpark.spark();
    s3.s3aSettings().forEach(spark.sparkContext().hadoopConfiguration()::set);
    config =
        ConfigLoader.load(
            Path.of(System.getProperty("clout.repo.root"), "conf", "s3.yaml"),
            Map.of("paths.raw", "s3a://clout/raw", "paths.warehouse", "s3a://clout/warehouse"),
            Map.of());
  }

  @AfterAll
  static void tearDown() {
    if (s3 != null) {
      s3.close();
    }
  }

  static long count(Table table, String where) {
    return spark.read().format("delta").load(Tables.path(config, table)).where(where).count();
  }

  static List<Row> sorted(Table table) {
    return spark
        .read()
        .format("delta")
        .load(Tables.path(config, table))
        .orderBy(col("source_file"), col("line_number"))
        .collectAsList();
  }

  @Test
  @Order(1)
  void ingestsFromS3IntoDeltaOnS3WithReconciledCountsDedupeAndQuarantine() {
    IngestReport r1 = IngestJob.run(spark, config, DAY1);
    String d1 = DAY1.toString();
    long malformed1 = manifest.malformedPerDay().get(d1);
    assertThat(malformed1).isPositive();
    assertThat(r1.linesRead()).isEqualTo(manifest.linesPerDay().get(d1));
    // Each line the generator broke is quarantined once; the rest is accepted.
    assertThat(r1.duplicates() + r1.rejected()).isEqualTo(malformed1);
    assertThat(r1.accepted()).isEqualTo(r1.linesRead() - malformed1);
    assertThat(count(Tables.ENGAGEMENTS, "ingest_date = '" + d1 + "'")).isEqualTo(r1.accepted());
    assertThat(
            count(Tables.REJECTED_EVENTS, "ingest_date = '" + d1 + "' AND record_kind = 'event'"))
        .isEqualTo(r1.duplicates() + r1.rejected());

    // A second run of the same day changes nothing.
    List<Row> engagements = sorted(Tables.ENGAGEMENTS);
    List<Row> rejected = sorted(Tables.REJECTED_EVENTS);
    IngestReport again = IngestJob.run(spark, config, DAY1);
    assertThat(again.accepted()).isEqualTo(r1.accepted());
    assertThat(sorted(Tables.ENGAGEMENTS)).isEqualTo(engagements);
    assertThat(sorted(Tables.REJECTED_EVENTS)).isEqualTo(rejected);

    // Day two carries redelivered lines of day one and a truncated gzip file.
    IngestReport r2 = IngestJob.run(spark, config, DAY2);
    String d2 = DAY2.toString();
    long redelivered = manifest.redeliveredPerDay().get(d2);
    assertThat(redelivered).isPositive();
    assertThat(r2.linesRead()).isEqualTo(manifest.linesPerDay().get(d2));
    assertThat(r2.duplicates() + r2.rejected())
        .isEqualTo(manifest.malformedPerDay().get(d2) + redelivered);
    assertThat(r2.rejectedByReason().get("DUPLICATE_EARLIER"))
        .isPositive()
        .isLessThanOrEqualTo(redelivered);
    assertThat(r2.filesRejectedByReason()).containsEntry("UNREADABLE_FILE", 1L);
    assertThat(count(Tables.REJECTED_EVENTS, "ingest_date = '" + d2 + "' AND record_kind = 'file'"))
        .isEqualTo(1);
    // No (network, event_id) is stored twice across the two days.
    Dataset keys = new Dataset();
    assertThat(keys.distinctKeys()).isEqualTo(keys.rows());
    assertThat(r2.reconciles()).isTrue();

    // Scoring reads and writes its tables on S3 as well.
    ScoreReport s1 = ScoreJob.run(spark, config, DAY1);
    ScoreReport s2 = ScoreJob.run(spark, config, DAY2);
    assertThat(s1.scored()).isPositive();
    assertThat(s2.edges()).isPositive();
    assertThat(count(Tables.SCORES, "score_date = '" + d2 + "'")).isEqualTo(s2.scored());
    assertThat(count(Tables.SCORES, "score_date = '" + d2 + "' AND previous_score IS NOT NULL"))
        .isPositive();
    assertThat(count(Tables.CURRENT_SCORES, "score_date = '" + d2 + "'")).isEqualTo(s2.scored());
    assertThat(count(Tables.SCORE_DRIVERS, "score_date = '" + d2 + "' AND kind = 'engager'"))
        .isPositive();
  }

  /** Engagement key counts over the whole table. */
  /**
   * {@code ./clout serve} on this s3a warehouse: the gateway (Spark 3.5, hadoop-aws 3.3) reads the
   * Delta tables from the S3 server and answers over JDBC what this JVM reads.
   */
  @Test
  @Order(2)
  void theJdbcGatewayServesTheWarehouseOnS3() throws Exception {
    Catalog.publish(spark, config);
    int port = S3ProxyServer.freePort();
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.master", "local[2]");
    conf.put("spark.sql.shuffle.partitions", "2");
    s3.s3aSettings().forEach((k, v) -> conf.put("spark.hadoop." + k, v));
    Process gateway =
        GatewayJdbcTest.start(
            config.paths().warehouse(), "127.0.0.1", port, conf, tmp.resolve("gateway"));
    try {
      GatewayJdbcTest.awaitReady(gateway, tmp.resolve("gateway.out"), tmp.resolve("gateway.err"));
      String sql =
          "SELECT person_id, CAST(score_date AS STRING), CAST(score AS STRING) FROM scores";
      List<String> expected = new ArrayList<>();
      for (Row r :
          spark
              .read()
              .format("delta")
              .load(Tables.path(config, Tables.SCORES))
              .selectExpr("person_id", "CAST(score_date AS STRING)", "CAST(score AS STRING)")
              .collectAsList()) {
        expected.add(r.mkString("|"));
      }
      List<String> served = new ArrayList<>();
      try (Connection c =
              DriverManager.getConnection("jdbc:hive2://127.0.0.1:" + port + "/default", "bi", "");
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery(sql)) {
        while (rs.next()) {
          served.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
        }
      }
      assertThat(expected).isNotEmpty();
      assertThat(served).containsExactlyInAnyOrderElementsOf(expected);
    } finally {
      gateway.destroy();
      gateway.waitFor(30, TimeUnit.SECONDS);
    }
  }

  static final class Dataset {
    long rows() {
      return spark.read().format("delta").load(Tables.path(config, Tables.ENGAGEMENTS)).count();
    }

    long distinctKeys() {
      return spark
          .read()
          .format("delta")
          .load(Tables.path(config, Tables.ENGAGEMENTS))
          .select("network", "event_id")
          .distinct()
          .count();
    }
  }
}
