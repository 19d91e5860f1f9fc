package io.clout.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import io.clout.jobs.Table;
import io.clout.jobs.Tables;
import io.clout.jobs.TestSpark;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input corpus (issue #17, cited by docs/events.md): one raw partition holding every kind
 * of bad input in {@link #CASES}, ingested once. Each case must end with its reason code, every
 * line in exactly one table, and the report must reconcile to the line.
 */
class BadInputCorpusTest {
  static final LocalDate DAY = LocalDate.parse("2026-01-10");
  static final String ACCEPTED = null;
  static final String LINES = "lines.jsonl";
  static final String GZIP_LINES = "more.jsonl.gz";
  static final String IDENTITIES = "ids.jsonl";
  static final int MIB = 1 << 20;
  static final String HUGE_HEAD = "{\"event_id\":\"huge\",\"text\":\"";
  static final String HUGE_TAIL = "\"}";

  /**
   * One kind of input: a short name, the file it is written to, what is written (a line, or the
   * whole file when {@code kind} is {@code file}), and the reason it must get (null: accepted).
   */
  record Case(String name, String kind, String file, String reason, Content content) {}

  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  static String event(String id, String overrides) {
    return "{\"event_id\":\""
        + id
        + "\",\"network\":\"twitter\",\"type\":\"like\",\"actor_id\":\"a\",\"target_id\":\"b\","
        + "\"post_id\":\"p\",\"occurred_at\":\"2026-01-10T10:00:00Z\""
        + (overrides.isEmpty() ? "" : "," + overrides)
        + "}";
  }

  static String at(String id, String occurredAt) {
    return event(id, "\"occurred_at\":\"" + occurredAt + "\"");
  }

  /** Text and raw bytes (int arrays) concatenated as UTF-8. */
  static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
      } else {
        for (int b : (int[]) part) {
          out.write(b);
        }
      }
    }
    return out.toByteArray();
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(data);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  static Case lineIn(String file, String name, Object line, String reason) {
    byte[] b = line instanceof String s ? bytes(s) : (byte[]) line;
    return new Case(name, RawLines.KIND_EVENT, file, reason, out -> out.write(b));
  }

  static Case line(String name, Object line, String reason) {
    return lineIn(LINES, name, line, reason);
  }

  static Case identity(String name, String line, String reason) {
    return new Case(
        name, RawLines.KIND_IDENTITY, IDENTITIES, reason, out -> out.write(bytes(line)));
  }

  static Case file(String file, String name, byte[] content, String reason) {
    return new Case(name, RawLines.KIND_FILE, file, reason, out -> out.write(content));
  }

  static final int[] BOM = {0xEF, 0xBB, 0xBF};
  static final String TEXT = "{\"event_id\":\"u\",\"text\":\"";
  static final byte[] WHOLE_GZIP = gzip(bytes((event("cut", "") + "\n").repeat(500)));

  /** The corpus. A line case is one line of its file, numbered in the order listed here. */
  static final List<Case> CASES =
      List.of(
          // Controls and tolerated input.
          line("valid event", event("ok-1", ""), ACCEPTED),
          line("CRLF line ending", event("ok-crlf", "") + "\r", ACCEPTED),
          line(
              "byte-order mark at the start of a later line",
              bytes(BOM, event("ok-bom-2", "")),
              ACCEPTED),
          lineIn(
              "bom.jsonl",
              "byte-order mark at the start of the file",
              bytes(BOM, event("ok-bom-1", "")),
              ACCEPTED),
          lineIn(GZIP_LINES, "valid event in a gzip file", event("ok-gz", ""), ACCEPTED),
          // Malformed and truncated JSON.
          line("object never closed", "{\"event_id\":\"m1\",", "MALFORMED_JSON"),
          line("line cut inside a string", event("m2", "").substring(0, 60), "MALFORMED_JSON"),
          line("two events on one line", event("m3a", "") + event("m3b", ""), "MALFORMED_JSON"),
          line("garbage after the object", event("m4", "") + " ok", "MALFORMED_JSON"),
          line("single quotes", "{'event_id':'m5'}", "MALFORMED_JSON"),
          line("trailing comma", event("m6", "").replace("}", ",}"), "MALFORMED_JSON"),
          line("unescaped tab inside a string", event("m7", "\"text\":\"a\tb\""), "MALFORMED_JSON"),
          line("NUL bytes", "\0\0\0", "MALFORMED_JSON"),
          line(
              "nested 5000 deep",
              event("m8", "\"x\":" + "[".repeat(5000) + "]".repeat(5000)),
              "MALFORMED_JSON"),
          lineIn(
              "cr.jsonl",
              "CR-only line endings (one line)",
              event("c1", "") + "\r" + event("c2", "") + "\r",
              "MALFORMED_JSON"),
          line("JSON array of events", "[" + event("n1", "") + "]", "NOT_AN_OBJECT"),
          line("JSON null", "null", "NOT_AN_OBJECT"),
          line(
              "JSON string holding an event",
              "\"" + event("n2", "").replace("\"", "\\\"") + "\"",
              "NOT_AN_OBJECT"),
          line("empty line", "", "BLANK_LINE"),
          line("white space only", " \t ", "BLANK_LINE"),
          // Wrong types, nulls, missing fields.
          line("event_id a number", event("t1", "\"event_id\":7"), "WRONG_TYPE"),
          line(
              "occurred_at epoch millis as a number",
              event("t2", "\"occurred_at\":1768039200000"),
              "WRONG_TYPE"),
          line("network a boolean", event("t3", "\"network\":true"), "WRONG_TYPE"),
          line("target_id an object", event("t4", "\"target_id\":{}"), "WRONG_TYPE"),
          line("type an array", event("t5", "\"type\":[\"like\"]"), "WRONG_TYPE"),
          line("actor_id null", event("f1", "\"actor_id\":null"), "MISSING_FIELD"),
          line(
              "event_id absent",
              event("f2", "").replace("\"event_id\":\"f2\",", ""),
              "MISSING_FIELD"),
          line("empty object", "{}", "MISSING_FIELD"),
          line("like without target_id", event("f3", "\"target_id\":null"), "MISSING_FIELD"),
          line(
              "share without post_id",
              event("f4", "\"type\":\"share\",\"post_id\":null"),
              "MISSING_FIELD"),
          // Ids.
          line("empty event_id", event("", ""), "MISSING_FIELD"),
          line("white-space event_id", event("   ", ""), "BAD_ID"),
          line("1000-char event_id", event("i".repeat(1000), ""), "BAD_ID"),
          line("NUL escape in event_id", event("id\\u0000", ""), "BAD_ID"),
          line("newline escape in actor_id", event("i2", "\"actor_id\":\"a\\nb\""), "BAD_ID"),
          line(
              "unpaired surrogate in target_id",
              event("i3", "\"target_id\":\"b\\ud800\""),
              "BAD_ID"),
          line("C1 control (NEL) in post_id", event("i4", "\"post_id\":\"p\\u0085\""), "BAD_ID"),
          line("70000-char event_id", event("i".repeat(70_000), ""), "LINE_TOO_LONG"),
          // Unknown enums and contract shapes.
          line("unknown type", event("k1", "\"type\":\"poke\""), "UNKNOWN_TYPE"),
          line("type in upper case", event("k2", "\"type\":\"LIKE\""), "UNKNOWN_TYPE"),
          line("unknown network", event("k3", "\"network\":\"myspace\""), "UNKNOWN_NETWORK"),
          line("network with a capital", event("k4", "\"network\":\"Twitter\""), "UNKNOWN_NETWORK"),
          line("post with a target", event("k5", "\"type\":\"post\""), "UNEXPECTED_FIELD"),
          line("self engagement", event("k6", "\"target_id\":\"a\""), "SELF_ENGAGEMENT"),
          // Bytes that are not UTF-8.
          line("stray 0xFF byte", bytes(TEXT, new int[] {0xFF}, "\"}"), "INVALID_UTF8"),
          line("Latin-1 text", bytes(TEXT + "caf", new int[] {0xE9}, "\"}"), "INVALID_UTF8"),
          line("overlong encoding", bytes(TEXT, new int[] {0xC0, 0xAF}, "\"}"), "INVALID_UTF8"),
          line(
              "UTF-8-encoded surrogate",
              bytes(TEXT, new int[] {0xED, 0xA0, 0x80}, "\"}"),
              "INVALID_UTF8"),
          line(
              "sequence cut by the end of the line",
              bytes(TEXT, new int[] {0xE2, 0x82}),
              "INVALID_UTF8"),
          lineIn(
              GZIP_LINES,
              "stray byte in a gzip file",
              bytes(TEXT, new int[] {0xFE}, "\"}"),
              "INVALID_UTF8"),
          // Timestamps.
          line("timestamp with no zone", at("d1", "2026-01-10T10:00:00"), "BAD_TIMESTAMP"),
          line("date only", at("d2", "2026-01-10"), "BAD_TIMESTAMP"),
          line("February 30th", at("d3", "2026-02-30T10:00:00Z"), "BAD_TIMESTAMP"),
          line("hour 24", at("d4", "2026-01-10T24:00:00Z"), "BAD_TIMESTAMP"),
          line("offset +25:00", at("d5", "2026-01-10T10:00:00+25:00"), "BAD_TIMESTAMP"),
          line("epoch millis in a string", at("d6", "1768039200000"), "BAD_TIMESTAMP"),
          line("far future", at("d7", "9999-12-31T23:59:59Z"), "FUTURE_TIMESTAMP"),
          line("year +999999999", at("d8", "+999999999-12-31T23:59:59Z"), "FUTURE_TIMESTAMP"),
          line("just past the allowed skew", at("d9", "2026-01-11T01:00:00Z"), "FUTURE_TIMESTAMP"),
          line("far past (year 1)", at("d10", "0001-01-01T00:00:00Z"), "TOO_OLD"),
          line("Unix epoch", at("d11", "1970-01-01T00:00:00Z"), "TOO_OLD"),
          line("31 days late", at("d12", "2025-12-10T23:59:59Z"), "TOO_OLD"),
          // Duplicates: the first by (file, line) is kept.
          line(
              "same event_id, different contents",
              event("ok-1", "\"type\":\"share\""),
              "DUPLICATE_IN_BATCH"),
          line("exact repeat", event("ok-1", ""), "DUPLICATE_IN_BATCH"),
          lineIn(
              GZIP_LINES, "same event_id in another file", event("ok-1", ""), "DUPLICATE_IN_BATCH"),
          // Long lines.
          line(
              "70000-char line",
              event("l1", "\"text\":\"" + "x".repeat(70_000) + "\""),
              "LINE_TOO_LONG"),
          new Case(
              "50 MB single line",
              RawLines.KIND_EVENT,
              "huge.jsonl",
              "LINE_TOO_LONG",
              BadInputCorpusTest::writeHugeLine),
          // Whole files.
          file("empty.jsonl", "empty file", new byte[0], "EMPTY_FILE"),
          file("zero.jsonl.gz", "zero-byte .gz object", new byte[0], "EMPTY_FILE"),
          file("nothing.jsonl.gz", "gzip file of nothing", gzip(new byte[0]), "EMPTY_FILE"),
          file(
              "cut.jsonl.gz",
              "truncated gzip",
              Arrays.copyOf(WHOLE_GZIP, WHOLE_GZIP.length - 20),
              "UNREADABLE_FILE"),
          file(
              "fake.jsonl.gz",
              "not gzip despite the .gz name",
              bytes(event("g1", "") + "\n"),
              "UNREADABLE_FILE"),
          file(
              "packed.jsonl",
              "gzip data without the .gz name",
              gzip(bytes(event("g2", "") + "\n")),
              "UNREADABLE_FILE"),
          file(
              "utf16.jsonl",
              "UTF-16 text",
              ("\uFEFF" + event("g3", "") + "\r\n").getBytes(StandardCharsets.UTF_16LE),
              "UNREADABLE_FILE"),
          // The identity file.
          identity(
              "identity mapping",
              "{\"person_id\":\"p1\",\"network\":\"twitter\",\"account_id\":\"a\"}",
              ACCEPTED),
          identity(
              "account mapped to a second person",
              "{\"person_id\":\"p2\",\"network\":\"twitter\",\"account_id\":\"a\"}",
              "IDENTITY_CONFLICT"),
          identity(
              "identity mapping repeated",
              "{\"person_id\":\"p1\",\"network\":\"twitter\",\"account_id\":\"a\"}",
              "DUPLICATE_IN_BATCH"),
          identity(
              "identity without person_id",
              "{\"network\":\"twitter\",\"account_id\":\"b\"}",
              "MISSING_FIELD"),
          identity(
              "control character in account_id",
              "{\"person_id\":\"p3\",\"network\":\"twitter\",\"account_id\":\"c\\u0007\"}",
              "BAD_ID"),
          identity(
              "identity on an unknown network",
              "{\"person_id\":\"p4\",\"network\":\"myspace\",\"account_id\":\"d\"}",
              "UNKNOWN_NETWORK"),
          identity("identity line that is not JSON", "p5,twitter,e", "MALFORMED_JSON"));

  /** 50 MiB of text in one line, streamed so the test never holds it. */
  static void writeHugeLine(OutputStream out) throws IOException {
    byte[] block = new byte[MIB];
    Arrays.fill(block, (byte) 'x');
    out.write(bytes(HUGE_HEAD));
    for (int i = 0; i < 50; i++) {
      out.write(block);
    }
    out.write(bytes(HUGE_TAIL));
  }

  @TempDir static Path root;
  static SparkSession spark;
  static CloutConfig config;
  static IngestReport report;

  @BeforeAll
  static void ingestTheCorpusOnce() throws IOException {
    spark = TestSpark.spark();
    Path partition = Files.createDirectories(root.resolve("raw/engagement/dt=" + DAY));
    Path ids = Files.createDirectories(root.resolve("raw/identities"));
    Map<String, List<Case>> byFile =
        CASES.stream()
            .collect(Collectors.groupingBy(Case::file, LinkedHashMap::new, Collectors.toList()));
    for (List<Case> cases : byFile.values()) {
      Case first = cases.get(0);
      Path path =
          (first.kind().equals(RawLines.KIND_IDENTITY) ? ids : partition).resolve(first.file());
      try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16)) {
        if (first.kind().equals(RawLines.KIND_FILE)) {
          first.content().writeTo(file);
          continue;
        }
        OutputStream out = first.file().endsWith(".gz") ? new GZIPOutputStream(file) : file;
        for (Case c : cases) {
          c.content().writeTo(out);
          out.write('\n');
        }
        out.close();
      }
    }
    config =
        ConfigLoader.load(
            null,
            // The corpus is nearly all bad lines on purpose; the threshold has its own test.
            Map.of(
                "paths.raw",
                root.resolve("raw").toString(),
                "paths.warehouse",
                root.resolve("wh").toString(),
                "ingest.max-rejected-fraction",
                "1"),
            Map.of());
    report = IngestJob.run(spark, config, DAY);
  }

  static List<Row> table(Table t) {
    return spark.read().format("delta").load(Tables.path(config, t)).collectAsList();
  }

  static String fileName(Row r) {
    String path = r.getAs("source_file");
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** Line numbers of the cases written as lines: their place among their file's cases. */
  static Long lineNumber(Case c) {
    if (c.kind().equals(RawLines.KIND_FILE)) {
      return null;
    }
    return 1L + CASES.stream().filter(o -> o.file().equals(c.file())).toList().indexOf(c);
  }

  static String outcome(String reason) {
    return reason == null ? "accepted" : reason;
  }

  @Test
  void everyCaseEndsWithItsReason() {
    // (file, line) -> what became of it, from the tables themselves.
    Map<String, String> found = new TreeMap<>();
    for (Row r : table(Tables.REJECTED_EVENTS)) {
      found.put(fileName(r) + ":" + r.getAs("line_number"), r.getAs("reason"));
    }
    for (Table t : List.of(Tables.ENGAGEMENTS, Tables.IDENTITIES)) {
      for (Row r : table(t)) {
        found.put(fileName(r) + ":" + r.getAs("line_number"), "accepted");
      }
    }
    Map<String, String> expected = new LinkedHashMap<>();
    Map<String, String> actual = new LinkedHashMap<>();
    for (Case c : CASES) {
      expected.put(c.name(), outcome(c.reason()));
      actual.put(c.name(), found.getOrDefault(c.file() + ":" + lineNumber(c), "nowhere"));
    }
    assertThat(actual).containsExactlyEntriesOf(expected);
    assertThat(found).as("rows that are no case").hasSameSizeAs(CASES);
  }

  @Test
  void theReportReconcilesToTheLine() {
    List<Case> lines = CASES.stream().filter(c -> c.kind().equals(RawLines.KIND_EVENT)).toList();
    Map<String, Long> byReason =
        lines.stream()
            .filter(c -> c.reason() != null)
            .collect(Collectors.groupingBy(Case::reason, TreeMap::new, Collectors.counting()));
    assertThat(report.linesRead()).isEqualTo(67).isEqualTo(lines.size());
    assertThat(report.accepted()).isEqualTo(5);
    assertThat(report.duplicates()).isEqualTo(3);
    assertThat(report.rejected()).isEqualTo(59);
    assertThat(report.linesRead())
        .isEqualTo(report.accepted() + report.duplicates() + report.rejected());
    assertThat(report.reconciles()).isTrue();
    assertThat(report.rejectedByReason()).containsExactlyEntriesOf(byReason);
    assertThat(report.filesListed()).isEqualTo(12);
    assertThat(report.filesRejected()).isEqualTo(7);
    assertThat(report.filesRejectedByReason())
        .containsExactlyInAnyOrderEntriesOf(Map.of("EMPTY_FILE", 3L, "UNREADABLE_FILE", 4L));
    assertThat(report.identityLinesRead()).isEqualTo(7);
    assertThat(report.identitiesAccepted()).isEqualTo(1);
    assertThat(report.identitiesRejected()).isEqualTo(6);
    assertThat(report.status()).isEqualTo("ok");
  }

  @Test
  void everyLineIsInExactlyOneTable() {
    List<Row> rejected = table(Tables.REJECTED_EVENTS);
    long rejectedLines =
        rejected.stream().filter(r -> RawLines.KIND_EVENT.equals(r.getAs("record_kind"))).count();
    long rejectedIds =
        rejected.stream()
            .filter(r -> RawLines.KIND_IDENTITY.equals(r.getAs("record_kind")))
            .count();
    long rejectedFiles =
        rejected.stream().filter(r -> RawLines.KIND_FILE.equals(r.getAs("record_kind"))).count();
    List<Row> engagements = table(Tables.ENGAGEMENTS);
    assertThat(rejectedLines + engagements.size()).isEqualTo(report.linesRead());
    assertThat(rejectedIds + table(Tables.IDENTITIES).size()).isEqualTo(report.identityLinesRead());
    assertThat(rejectedFiles).isEqualTo(report.filesRejected());
    // A stripped byte-order mark leaves a clean id.
    assertThat(engagements)
        .extracting(r -> r.<String>getAs("event_id"))
        .containsExactlyInAnyOrder("ok-1", "ok-crlf", "ok-bom-2", "ok-bom-1", "ok-gz");
  }

  @Test
  void theFiftyMegabyteLineIsMeasuredButOnlyItsCapIsKept() {
    Row huge =
        table(Tables.REJECTED_EVENTS).stream()
            .filter(r -> fileName(r).equals("huge.jsonl"))
            .findFirst()
            .orElseThrow();
    assertThat(huge.<Long>getAs("raw_length"))
        .isEqualTo(HUGE_HEAD.length() + 50L * MIB + HUGE_TAIL.length());
    assertThat(huge.<String>getAs("raw_text"))
        .hasSize(config.ingest().rawTextCap())
        .startsWith(HUGE_HEAD);
    assertThat(huge.<String>getAs("detail")).endsWith("> ingest.max-line-chars 65536");
  }
}
