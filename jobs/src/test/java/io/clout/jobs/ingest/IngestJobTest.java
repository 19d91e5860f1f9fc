package io.clout.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import io.clout.jobs.CloutException;
import io.clout.jobs.Delta;
import io.clout.jobs.SparkSessions;
import io.clout.jobs.Table;
import io.clout.jobs.Tables;
import io.clout.jobs.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** Ingest end to end on a local folder, one case per reason code; the steps build on each other. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IngestJobTest {
  static final LocalDate D1 = LocalDate.parse("2026-01-10");
  static final LocalDate D2 = LocalDate.parse("2026-01-11");
  @TempDir static Path root;
  static CloutConfig config;
  static SparkSession spark;

  static String event(String id, String overrides) {
    return "{\"event_id\":\""
        + id
        + "\",\"network\":\"twitter\",\"type\":\"like\",\"actor_id\":\"a\",\"target_id\":\"b\","
        + "\"post_id\":\"p\",\"occurred_at\":\"2026-01-10T10:00:00Z\""
        + (overrides.isEmpty() ? "" : "," + overrides)
        + "}";
  }

  /** File a.jsonl: each line and the reason it must get (null = accepted). */
  static final List<String[]> A =
      List.of(
          new String[] {event("e1", ""), null},
          new String[] {event("e2", "\"type\":\"share\""), null},
          new String[] {event("e3", "\"occurred_at\":\"2026-01-09T23:00:00-05:00\""), null},
          new String[] {"{\"event_id\":\"e4\",", "MALFORMED_JSON"},
          new String[] {event("e5", "\"actor_id\":5"), "WRONG_TYPE"},
          new String[] {event("e6", "\"post_id\":null"), "MISSING_FIELD"},
          new String[] {event("e7", "\"type\":\"poke\""), "UNKNOWN_TYPE"},
          new String[] {event("e8", "\"network\":\"myspace\""), "UNKNOWN_NETWORK"},
          new String[] {event("e9", "\"occurred_at\":\"2026-01-10 10:00\""), "BAD_TIMESTAMP"},
          new String[] {
            event("e10", "\"occurred_at\":\"2026-02-01T00:00:00Z\""), "FUTURE_TIMESTAMP"
          },
          new String[] {event("e11", "\"occurred_at\":\"2020-01-01T00:00:00Z\""), "TOO_OLD"},
          new String[] {event("e12", "\"target_id\":\"a\""), "SELF_ENGAGEMENT"},
          new String[] {event("e1", ""), "DUPLICATE_IN_BATCH"},
          new String[] {"", "BLANK_LINE"},
          new String[] {event("e13", "\"text\":\"" + "x".repeat(70_000) + "\""), "LINE_TOO_LONG"},
          new String[] {"[1]", "NOT_AN_OBJECT"});

  static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
      z.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  @BeforeAll
  static void writeRawData() throws IOException {
    spark = TestSpark.spark();
    Path d1 = Files.createDirectories(root.resolve("raw/engagement/dt=" + D1));
    StringBuilder a = new StringBuilder();
    A.forEach(l -> a.append(l[0]).append('\n'));
    Files.writeString(d1.resolve("a.jsonl"), a);
    Files.write(d1.resolve("b.jsonl.gz"), gzip(event("e20", "") + "\n" + event("e1", "") + "\n"));
    Files.writeString(d1.resolve("c.jsonl"), "");
    byte[] whole = gzip((event("e30", "") + "\n").repeat(500));
    Files.write(d1.resolve("d.jsonl.gz"), Arrays.copyOf(whole, whole.length - 20));
    Files.writeString(d1.resolve("_SUCCESS"), "");
    Path d2 = Files.createDirectories(root.resolve("raw/engagement/dt=" + D2));
    Files.writeString(
        d2.resolve("a.jsonl"),
        event("e1", "") + "\n" + event("e40", "\"occurred_at\":\"2026-01-11T08:00:00Z\"") + "\n");
    Path ids = Files.createDirectories(root.resolve("raw/identities"));
    Files.writeString(
        ids.resolve("ids.jsonl"),
        "{\"person_id\":\"p1\",\"network\":\"twitter\",\"account_id\":\"a\"}\n{\"person_id\":3}\n");
    config =
        ConfigLoader.load(
            null,
            // The test day is mostly bad lines on purpose.
            Map.of(
                "paths.raw",
                root.resolve("raw").toString(),
                "paths.warehouse",
                root.resolve("wh").toString(),
                "ingest.max-rejected-fraction",
                "0.9"),
            Map.of());
  }

  static List<Row> table(Table name) {
    return spark
        .read()
        .format("delta")
        .load(Tables.path(config, name))
        .orderBy("source_file", "line_number", "network")
        .collectAsList();
  }

  static long version(Table name) {
    return Delta.version(spark, Tables.path(config, name));
  }

  @Test
  @Order(1)
  void everyLineIsAcceptedOrQuarantinedWithItsReasonAndTheCountsReconcile() {
    IngestReport r = IngestJob.run(spark, config, D1);

    long expectedRejects = A.stream().filter(l -> l[1] != null).count();
    assertThat(r.linesRead()).isEqualTo(A.size() + 2);
    assertThat(r.accepted()).isEqualTo(4); // e1, e2, e3 and e20
    assertThat(r.duplicates()).isEqualTo(2); // e1 again in a.jsonl and in b.jsonl.gz
    assertThat(r.rejected()).isEqualTo(expectedRejects - 1);
    assertThat(r.reconciles()).isTrue();
    assertThat(r.filesListed()).isEqualTo(4);
    assertThat(r.filesRejectedByReason())
        .containsExactlyInAnyOrderEntriesOf(Map.of("EMPTY_FILE", 1L, "UNREADABLE_FILE", 1L));

    List<Row> rejected = table(Tables.REJECTED_EVENTS);
    for (int i = 0; i < A.size(); i++) {
      String expected = A.get(i)[1];
      long line = i + 1;
      List<String> got =
          rejected.stream()
              .filter(
                  x ->
                      x.<String>getAs("source_file").endsWith("a.jsonl")
                          && Long.valueOf(line).equals(x.getAs("line_number")))
              .map(x -> x.<String>getAs("reason"))
              .toList();
      assertThat(got)
          .as("line %d", line)
          .isEqualTo(expected == null ? List.of() : List.of(expected));
    }
    assertThat(rejected)
        .filteredOn(x -> x.<String>getAs("source_file").endsWith("b.jsonl.gz"))
        .extracting(x -> x.<String>getAs("reason"))
        .containsExactly("DUPLICATE_IN_BATCH");
    assertThat(rejected)
        .filteredOn(x -> "identity".equals(x.getAs("record_kind")))
        .extracting(x -> x.<String>getAs("reason"))
        .containsExactly("WRONG_TYPE");
    // Raw text is capped, the true length kept.
    Row tooLong =
        rejected.stream()
            .filter(x -> "LINE_TOO_LONG".equals(x.getAs("reason")))
            .findFirst()
            .orElseThrow();
    assertThat(tooLong.<String>getAs("raw_text")).hasSize(config.ingest().rawTextCap());
    assertThat(tooLong.<Long>getAs("raw_length")).isGreaterThan(70_000L);

    List<Row> accepted = table(Tables.ENGAGEMENTS);
    assertThat(accepted)
        .extracting(x -> x.<String>getAs("event_id"))
        .containsExactlyInAnyOrder("e1", "e2", "e3", "e20");
    // e3 was stamped 23:00 at -05:00 on the 9th: the 10th in UTC, and that is its partition.
    assertThat(accepted)
        .filteredOn(x -> "e3".equals(x.getAs("event_id")))
        .extracting(x -> String.valueOf((Object) x.getAs("event_date")))
        .containsExactly("2026-01-10");
    assertThat(table(Tables.IDENTITIES)).hasSize(1);
  }

  @Test
  @Order(2)
  void rerunningADayLeavesEveryTableAsTheFirstRunLeftIt() {
    Map<Table, List<Row>> before =
        Map.of(
            Tables.ENGAGEMENTS, table(Tables.ENGAGEMENTS),
            Tables.REJECTED_EVENTS, table(Tables.REJECTED_EVENTS),
            Tables.IDENTITIES, table(Tables.IDENTITIES));
    IngestReport again = IngestJob.run(spark, config, D1);
    assertThat(again.accepted()).isEqualTo(4);
    assertThat(again.duplicates()).isEqualTo(2);
    before.forEach((name, rows) -> assertThat(table(name)).as(name.name()).isEqualTo(rows));
  }

  @Test
  @Order(3)
  void aRedeliveredEventInALaterPartitionIsADuplicateOfTheEarlierOne() {
    IngestReport r = IngestJob.run(spark, config, D2);
    assertThat(r.accepted()).isEqualTo(1);
    assertThat(r.rejectedByReason()).containsEntry("DUPLICATE_EARLIER", 1L);
    assertThat(table(Tables.ENGAGEMENTS)).hasSize(5);
    // Rerunning the earlier day afterwards still keeps its own e1.
    IngestJob.run(spark, config, D1);
    assertThat(table(Tables.ENGAGEMENTS))
        .filteredOn(x -> "e1".equals(x.getAs("event_id")))
        .extracting(x -> String.valueOf((Object) x.getAs("ingest_date")))
        .containsExactly(D1.toString());
  }

  @Test
  @Order(4)
  void aDayAboveTheRejectThresholdFailsAndChangesNoTable() throws IOException {
    LocalDate d3 = LocalDate.parse("2026-01-12");
    Path dir = Files.createDirectories(root.resolve("raw/engagement/dt=" + d3));
    Files.writeString(
        dir.resolve("bad.jsonl"),
        "nope\n".repeat(19) + event("e50", "\"occurred_at\":\"2026-01-12T01:00:00Z\"") + "\n");
    Map<Table, Long> versions =
        Map.of(
            Tables.ENGAGEMENTS,
            version(Tables.ENGAGEMENTS),
            Tables.REJECTED_EVENTS,
            version(Tables.REJECTED_EVENTS));

    assertThatThrownBy(() -> IngestJob.run(spark, config, d3))
        .isInstanceOf(CloutException.class)
        .hasMessageContaining("Cannot ingest 2026-01-12: 95.0% of lines rejected")
        .hasMessageContaining("--set ingest.max-rejected-fraction");
    versions.forEach((name, v) -> assertThat(version(name)).as(name.name()).isEqualTo(v));
  }

  @Test
  @Order(5)
  void aMissingPartitionIsAClearError() {
    assertThatThrownBy(() -> IngestJob.run(spark, config, LocalDate.parse("2030-01-01")))
        .isInstanceOf(CloutException.class)
        .hasMessageContaining("no partition at")
        .hasMessageContaining("dt=2030-01-01");
  }

  @Test
  @Order(6)
  void aMissingPartitionCanMeanADayWithNoLines() {
    LocalDate none = LocalDate.parse("2030-01-02");
    CloutConfig sparse =
        ConfigLoader.load(
            null,
            Map.of(
                "paths.raw",
                config.paths().raw(),
                "paths.warehouse",
                config.paths().warehouse(),
                "ingest.missing-partition",
                "empty"),
            Map.of());
    long before =
        spark.read().format("delta").load(Tables.path(config, Tables.ENGAGEMENTS)).count();

    IngestReport report = IngestJob.run(spark, sparse, none);

    assertThat(report.filesListed()).isZero();
    assertThat(report.linesRead()).isZero();
    assertThat(report.reconciles()).isTrue();
    assertThat(spark.read().format("delta").load(Tables.path(config, Tables.ENGAGEMENTS)).count())
        .isEqualTo(before);
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of("ingest.missing-partition", "skip"), Map.of()))
        .hasMessageContaining("ingest.missing-partition must be fail or empty");
  }

  @Test
  @Order(7)
  void idsAreWrittenWithoutAParquetDictionary() throws IOException {
    // Every event of the test day has actor "a", target "b" and post "p", as it has network
    // "twitter": repeated values Parquet would encode with a dictionary, as it does the network's.
    Map<String, Set<Encoding>> encodings = new HashMap<>();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try (Stream<Path> files = Files.walk(Path.of(Tables.path(config, Tables.ENGAGEMENTS)))) {
      for (Path f :
          files
              .filter(
                  f -> f.toString().endsWith(".parquet") && !f.toString().contains("_delta_log"))
              .toList()) {
        try (ParquetFileReader r =
            ParquetFileReader.open(
                HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(f.toUri()), hadoop))) {
          for (BlockMetaData block : r.getFooter().getBlocks()) {
            for (ColumnChunkMetaData c : block.getColumns()) {
              encodings
                  .computeIfAbsent(c.getPath().toDotString(), k -> new HashSet<>())
                  .addAll(c.getEncodings());
            }
          }
        }
      }
    }
    Set<Encoding> dictionaries = Set.of(Encoding.PLAIN_DICTIONARY, Encoding.RLE_DICTIONARY);
    assertThat(encodings.get("network")).containsAnyElementsOf(dictionaries);
    for (String column : SparkSessions.DICTIONARY_OFF) {
      if (Tables.ENGAGEMENTS.columns().contains(column)) {
        assertThat(encodings.get(column))
            .as(column)
            .isNotEmpty()
            .doesNotContainAnyElementsOf(dictionaries);
      }
    }
  }
}
