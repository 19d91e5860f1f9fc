package io.clout.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.clout.common.events.ValidationRules;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor-side reader, called directly: no Spark needed to read files. */
class RawLinesTest {
  static final ValidationRules RULES = new ValidationRules(Set.of("twitter"), 200, 30, 1);
  static final String GOOD =
      "{\"event_id\":\"e%d\",\"network\":\"twitter\",\"type\":\"like\",\"actor_id\":\"a\",\"target_id\":\"b\",\"post_id\":\"p\",\"occurred_at\":\"2026-01-10T10:00:00Z\"}";
  @TempDir Path dir;

  private List<Row> read(Path file, String kind) throws IOException {
    RawLines reader = new RawLines(kind, RULES, LocalDate.parse("2026-01-10"), 50, Map.of());
    List<Row> rows = new ArrayList<>();
    reader.call(file.toUri().toString()).forEachRemaining(rows::add);
    return rows;
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
      z.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  private static List<String> column(List<Row> rows, String name) {
    return rows.stream().map(r -> String.valueOf((Object) r.getAs(name))).toList();
  }

  @Test
  void readsPlainLinesWithNumbersCrLfAndALastLineWithoutNewline() throws IOException {
    Path f = dir.resolve("a.jsonl");
    Files.writeString(f, String.format(GOOD, 1) + "\r\n\n" + String.format(GOOD, 2));
    List<Row> rows = read(f, RawLines.KIND_EVENT);
    assertThat(column(rows, "line_number")).containsExactly("1", "2", "3");
    assertThat(column(rows, "reason")).containsExactly("null", "BLANK_LINE", "null");
    assertThat(column(rows, "event_id")).containsExactly("e1", "null", "e2");
  }

  @Test
  void readsGzipAndKeepsOnlyACappedPrefixOfAnOverLongLine() throws IOException {
    Path f = dir.resolve("a.jsonl.gz");
    String huge = "{\"text\":\"" + "x".repeat(100_000) + "\"}";
    Files.write(f, gzip(String.format(GOOD, 1) + "\n" + huge + "\n"));
    List<Row> rows = read(f, RawLines.KIND_EVENT);
    assertThat(column(rows, "reason")).containsExactly("null", "LINE_TOO_LONG");
    Row tooLong = rows.get(1);
    assertThat(tooLong.<Long>getAs("raw_length")).isEqualTo(huge.length());
    assertThat(tooLong.<String>getAs("raw_text")).hasSize(50).startsWith("{\"text\":\"xxx");
    assertThat(tooLong.<String>getAs("detail"))
        .contains("100011 chars > ingest.max-line-chars 200");
  }

  @Test
  void aTruncatedGzipFileIsOneRejectedFileRowAndNoLines() throws IOException {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      many.append(String.format(GOOD, i)).append('\n');
    }
    byte[] whole = gzip(many.toString());
    Path f = dir.resolve("cut.jsonl.gz");
    Files.write(f, Arrays.copyOf(whole, whole.length / 2));
    List<Row> rows = read(f, RawLines.KIND_EVENT);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).<String>getAs("record_kind")).isEqualTo(RawLines.KIND_FILE);
    assertThat(rows.get(0).<String>getAs("reason")).isEqualTo("UNREADABLE_FILE");
    assertThat(rows.get(0).<String>getAs("detail")).startsWith("truncated gzip");
  }

  @Test
  void garbageWithAGzipNameIsUnreadable() throws IOException {
    Path f = dir.resolve("fake.jsonl.gz");
    Files.writeString(f, "not gzip at all\n");
    List<Row> rows = read(f, RawLines.KIND_EVENT);
    assertThat(column(rows, "reason")).containsExactly("UNREADABLE_FILE");
    assertThat(column(rows, "detail").get(0)).startsWith("corrupt gzip");
  }

  @Test
  void emptyFilesPlainOrGzipAreRejectedAsEmpty() throws IOException {
    Path plain = dir.resolve("empty.jsonl");
    Files.writeString(plain, "");
    Path gz = dir.resolve("empty.jsonl.gz");
    Files.write(gz, gzip(""));
    assertThat(column(read(plain, RawLines.KIND_EVENT), "reason")).containsExactly("EMPTY_FILE");
    assertThat(column(read(gz, RawLines.KIND_EVENT), "reason")).containsExactly("EMPTY_FILE");
  }

  private static byte[] bytes(Object... parts) {
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

  @Test
  void bytesThatAreNotUtf8MakeTheirOwnLineInvalidAndNoOther() throws IOException {
    String head = "{\"event_id\":\"x\",\"text\":\"";
    Path f = dir.resolve("bytes.jsonl");
    Files.write(
        f,
        bytes(
            String.format(GOOD, 1) + "\n",
            head,
            new int[] {0xFF},
            "\"}\n", // a stray byte
            head + "caf",
            new int[] {0xE9},
            "\"}\n", // Latin-1
            head,
            new int[] {0xC0, 0xAF},
            "\"}\n", // an overlong '/'
            head,
            new int[] {0xED, 0xA0, 0x80},
            "\"}\n", // an encoded surrogate
            head,
            new int[] {0xE2, 0x82},
            "\n", // a sequence cut by the end of the line
            String.format(GOOD, 2).replace("}", ",\"text\":\"café €\"}") + "\n",
            head,
            new int[] {0xE2, 0x82})); // ... and by the end of the file
    List<Row> rows = read(f, RawLines.KIND_EVENT);
    assertThat(column(rows, "reason"))
        .containsExactly(
            "null",
            "INVALID_UTF8",
            "INVALID_UTF8",
            "INVALID_UTF8",
            "INVALID_UTF8",
            "INVALID_UTF8",
            "null",
            "INVALID_UTF8");
    assertThat(column(rows, "detail").get(2)).startsWith("byte " + (head.length() + 3) + " of");
    assertThat(column(rows, "raw_text").get(1)).isEqualTo(head + "\uFFFD\"}");
    assertThat(column(rows, "text").get(6)).isEqualTo("café €");
  }

  @Test
  void multiByteCharactersAcrossReadBuffersAreReadWhole() throws IOException {
    // Lines of shifting lengths put every kind of sequence across the 64 KiB read boundaries.
    StringBuilder text = new StringBuilder();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      String t = "é€\uD83D\uDE00" + "x".repeat(i % 7);
      texts.add(t);
      text.append(String.format(GOOD, i).replace("}", ",\"text\":\"" + t + "\"}")).append('\n');
    }
    String wide = "{\"text\":\"" + "€".repeat(50_000) + "\"}";
    text.append(wide).append('\n');
    Path f = dir.resolve("wide.jsonl");
    Files.writeString(f, text);
    List<Row> rows = read(f, RawLines.KIND_EVENT);
    assertThat(rows).hasSize(3001);
    assertThat(column(rows.subList(0, 3000), "reason")).containsOnly("null");
    assertThat(column(rows.subList(0, 3000), "text")).isEqualTo(texts);
    assertThat(rows.get(3000).<String>getAs("reason")).isEqualTo("LINE_TOO_LONG");
    assertThat(rows.get(3000).<Long>getAs("raw_length")).isEqualTo(wide.length());
  }

  @Test
  void aByteOrderMarkAtTheStartOfTheFileOrOfALineIsDropped() throws IOException {
    Path f = dir.resolve("bom.jsonl");
    Files.write(
        f,
        bytes(
            new int[] {0xEF, 0xBB, 0xBF},
            String.format(GOOD, 1) + "\r\n",
            new int[] {0xEF, 0xBB, 0xBF},
            String.format(GOOD, 2) + "\n"));
    List<Row> rows = read(f, RawLines.KIND_EVENT);
    assertThat(column(rows, "reason")).containsExactly("null", "null");
    assertThat(column(rows, "event_id")).containsExactly("e1", "e2");
    Path onlyBom = dir.resolve("only-bom.jsonl");
    Files.write(onlyBom, bytes(new int[] {0xEF, 0xBB, 0xBF}));
    assertThat(column(read(onlyBom, RawLines.KIND_EVENT), "reason")).containsExactly("EMPTY_FILE");
  }

  @Test
  void aZeroByteGzipObjectIsEmptyNotTruncated() throws IOException {
    Path f = dir.resolve("zero.jsonl.gz");
    Files.write(f, new byte[0]);
    List<Row> rows = read(f, RawLines.KIND_EVENT);
    assertThat(column(rows, "reason")).containsExactly("EMPTY_FILE");
    assertThat(column(rows, "detail")).containsExactly("zero bytes");
  }

  @Test
  void gzipDataOrUtf16TextUnderAPlainNameIsOneUnreadableFile() throws IOException {
    Path gz = dir.resolve("packed.jsonl");
    Files.write(gz, gzip(String.format(GOOD, 1) + "\n"));
    Path utf16 = dir.resolve("powershell.jsonl");
    Files.write(
        utf16, ("\uFEFF" + String.format(GOOD, 1) + "\r\n").getBytes(StandardCharsets.UTF_16LE));
    assertThat(column(read(gz, RawLines.KIND_EVENT), "detail"))
        .containsExactly("gzip data in a file whose name does not end in .gz");
    List<Row> rows = read(utf16, RawLines.KIND_EVENT);
    assertThat(column(rows, "record_kind")).containsExactly(RawLines.KIND_FILE);
    assertThat(column(rows, "reason")).containsExactly("UNREADABLE_FILE");
    assertThat(column(rows, "detail")).containsExactly("UTF-16 text (a UTF-16 byte-order mark)");
  }

  @Test
  void identityLinesParseIntoPersonAndAccount() throws IOException {
    Path f = dir.resolve("ids.jsonl");
    Files.writeString(
        f,
        "{\"person_id\":\"p1\",\"network\":\"twitter\",\"account_id\":\"t1\"}\n{\"person_id\":\"p1\"}\n");
    List<Row> rows = read(f, RawLines.KIND_IDENTITY);
    assertThat(column(rows, "person_id")).containsExactly("p1", "null");
    assertThat(column(rows, "account_id")).containsExactly("t1", "null");
    assertThat(column(rows, "reason")).containsExactly("null", "MISSING_FIELD");
  }
}
