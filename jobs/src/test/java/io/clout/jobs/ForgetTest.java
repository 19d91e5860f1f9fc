package io.clout.jobs;

import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.instr;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import io.clout.jobs.cli.Cli;
import io.clout.jobs.generate.Generator;
import io.clout.jobs.ingest.IngestJob;
import io.clout.jobs.score.ScoreJob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clout forget}: after two generated days and the erasure of one person with several linked
 * accounts, no row of any table or view mentions them, every other row is as it was, the erasure's
 * commits and audit record hold no id, VACUUM leaves no file that held them, and scoring the days
 * again gives everyone else exactly the scores of a run over raw data that never had the person.
 */
class ForgetTest {
  static final LocalDate D1 = LocalDate.parse("2026-04-01");
  static final LocalDate D2 = D1.plusDays(1);
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static final SparkSession spark = TestSpark.spark();
  static CloutConfig config;

  /** The person forgotten, and everything a row could mention them by. */
  static String person;

  static Forget.Subject subject;
  static List<String> words;
  static Map<String, Long> versionsBefore = new LinkedHashMap<>();
  static Forget.Erasure dryRun;
  static Forget.Erasure erasure;
  static String printed;

  static CloutConfig config(Path raw, Path warehouse) {
    return ConfigLoader.load(
        null,
        Map.of(
            "paths.raw", raw.toString(),
            "paths.warehouse", warehouse.toString(),
            // 60 people rarely reach 60, the default bar for an influencer to answer.
            "moments.unanswered-min-score", "35",
            "perks.catalog", Path.of("..", "conf", "perks.yaml").toAbsolutePath().toString()),
        Map.of());
  }

  @BeforeAll
  static void runTwoDaysThenForgetOnePerson() throws Exception {
    Path raw = tmp.resolve("raw");
    Generator.generate(new Generator.Params(60, 2, D1, 21, 0.01), raw);
    // The most popular person with more than one account: engaged with, and engaging, the most.
    Map<String, List<String[]>> linked = new TreeMap<>();
    for (String line : Files.readAllLines(raw.resolve("identities/identities.jsonl"))) {
      JsonNode n = JSON.readTree(line);
      linked
          .computeIfAbsent(n.get("person_id").asText(), k -> new ArrayList<>())
          .add(new String[] {n.get("network").asText(), n.get("account_id").asText()});
    }
    person = linked.keySet().iterator().next();
    String twitter =
        linked.get(person).stream().filter(a -> a[0].equals("twitter")).findFirst().get()[1];
    List<String> others =
        linked.keySet().stream()
            .filter(p -> !p.equals(person))
            .limit(2)
            .map(p -> linked.get(p).get(0)[1])
            .toList();
    // Lines that name the person outside the generated events: a broken line and a
    // self-engagement of theirs (quarantined with their account in raw_text and detail), a
    // comment between two others naming them in its text, and an identity line claiming one of
    // their accounts for someone else (quarantined as IDENTITY_CONFLICT).
    Files.writeString(
        raw.resolve("engagement/dt=" + D1 + "/extra.jsonl"),
        String.join(
            "\n",
            "{\"event_id\":\"twx-1\",\"network\":\"twitter\",\"type\":\"like\",\"actor_id\":\""
                + twitter
                + "\",\"target_id\":\"",
            event("twx-2", "like", twitter, twitter, null),
            event("twx-3", "comment", others.get(0), others.get(1), "cc @" + twitter + " ok"),
            ""));
    Files.writeString(
        raw.resolve("identities/extra.jsonl"),
        "{\"person_id\":\"p999999\",\"network\":\"twitter\",\"account_id\":\"" + twitter + "\"}\n");

    config = config(raw, tmp.resolve("wh"));
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    Pipeline.runRange(spark, config, D1, D2, false, quiet);
    subject = Forget.resolve(Tables.read(spark, config, Tables.IDENTITIES), person);
    words = subject.words();
    for (Table t : Tables.ALL) {
      versionsBefore.put(t.name(), Delta.version(spark, Tables.path(config, t)));
    }
    dryRun = Forget.run(spark, config, person, true, quiet);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    erasure =
        Forget.run(
            spark, config, person, false, new PrintStream(out, true, StandardCharsets.UTF_8));
    printed = out.toString(StandardCharsets.UTF_8);
  }

  static String event(String id, String type, String actor, String target, String text) {
    return "{\"event_id\":\""
        + id
        + "\",\"network\":\"twitter\",\"type\":\""
        + type
        + "\",\"actor_id\":\""
        + actor
        + "\",\"target_id\":\""
        + target
        + "\",\"post_id\":\"twpost1\",\"occurred_at\":\""
        + D1
        + "T10:00:00Z\""
        + (text == null ? "" : ",\"text\":\"" + text + "\"")
        + "}";
  }

  static Dataset<Row> table(Path warehouse, Table t) {
    return spark.read().format("delta").load(warehouse.resolve(t.name()).toString());
  }

  static Dataset<Row> before(Table t) {
    return spark
        .read()
        .format("delta")
        .option("versionAsOf", versionsBefore.get(t.name()))
        .load(Tables.path(config, t));
  }

  /**
   * Whether a row mentions the person anywhere: the row as JSON (every column, nested fields
   * included) holds one of the words. A plain substring, stricter than the erasure's whole words.
   */
  static Column mentions() {
    Column json = expr("to_json(struct(*))");
    Column any = lit(false);
    for (String w : words) {
      any = any.or(instr(json, w).gt(0));
    }
    return any;
  }

  @Test
  void theChosenPersonHasSeveralAccountsAndIsInEveryKindOfPlace() {
    assertThat(subject.accounts()).hasSizeGreaterThan(1);
    Dataset<Row> engagements = before(Tables.ENGAGEMENTS);
    String net = "concat(network, ':', %s)";
    String theirs = "array_contains(array(" + quoted(subject.ids()) + "), " + net + ")";
    assertThat(engagements.where(expr(theirs.formatted("actor_id"))).count()).isPositive();
    assertThat(engagements.where(expr(theirs.formatted("target_id"))).count()).isPositive();
    assertThat(
            before(Tables.MOMENTS)
                .where(
                    expr(
                        "person_id <> '"
                            + person
                            + "' AND exists(engagers, e -> e.person_id = '"
                            + person
                            + "')"))
                .count())
        .isPositive();
    assertThat(before(Tables.REJECTED_EVENTS).where(mentions()).count()).isGreaterThanOrEqualTo(3);
    for (Table t : List.of(Tables.SCORES, Tables.SCORE_DRIVERS, Tables.OUTREACH)) {
      assertThat(before(t).where(mentions()).count()).as(t.name()).isPositive();
    }
  }

  static String quoted(List<String> values) {
    return values.stream().map(v -> "'" + v + "'").collect(Collectors.joining(", "));
  }

  @Test
  void noRowOfAnyTableOrViewMentionsThePersonOrTheirAccounts() {
    for (Table t : Tables.ALL) {
      assertThat(table(tmp.resolve("wh"), t).where(mentions()).count()).as(t.name()).isZero();
    }
    // The views read the tables, so they follow; a session of their own keeps the names local.
    SparkSession views = spark.newSession();
    Catalog.registerTempViews(views, config);
    for (View v : Tables.VIEWS) {
      assertThat(views.table(v.name()).where(mentions()).count()).as(v.name()).isZero();
    }
  }

  @Test
  void everyRowNotInvolvingThePersonIsUnchanged() {
    for (Table t : Tables.ALL) {
      Dataset<Row> before = before(t);
      Dataset<Row> after = table(tmp.resolve("wh"), t);
      Dataset<Row> untouched = before.where(org.apache.spark.sql.functions.not(mentions()));
      Forget.TableChange change = erasure.tables().get(t.name());
      assertThat(untouched.exceptAll(after).count()).as(t.name()).isZero();
      assertThat(before.where(mentions()).count())
          .as(t.name())
          .isEqualTo(change.rowsDeleted() + change.rowsUpdated());
      assertThat(after.count()).as(t.name()).isEqualTo(before.count() - change.rowsDeleted());
      assertThat(after.exceptAll(untouched).count()).as(t.name()).isEqualTo(change.rowsUpdated());
    }
    // Someone else's comment keeps its place, with the mention redacted.
    assertThat(
            table(tmp.resolve("wh"), Tables.ENGAGEMENTS)
                .where("event_id = 'twx-3'")
                .select("text")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactly("cc @" + Forget.REDACTED + " ok");
    // Other people's moments keep every other engager.
    assertThat(erasure.tables().get("moments").rowsUpdated()).isPositive();
  }

  @Test
  void theDryRunCountsTheSameAndChangesNothing() {
    assertThat(dryRun.dryRun()).isTrue();
    for (Table t : Tables.ALL) {
      Forget.TableChange would = dryRun.tables().get(t.name());
      Forget.TableChange did = erasure.tables().get(t.name());
      assertThat(would.rowsDeleted()).as(t.name()).isEqualTo(did.rowsDeleted());
      assertThat(would.rowsUpdated()).as(t.name()).isEqualTo(did.rowsUpdated());
      assertThat(would.versionAfter()).as(t.name()).isEqualTo(versionsBefore.get(t.name()));
    }
  }

  @Test
  void eachTableChangedInOneCommitThatHoldsNoId() throws IOException {
    assertThat(erasure.changedTables()).contains("engagements", "rejected_events", "identities");
    for (Table t : Tables.ALL) {
      long before = versionsBefore.get(t.name());
      long after = erasure.tables().get(t.name()).versionAfter();
      if (!erasure.changedTables().contains(t.name())) {
        assertThat(after).as(t.name()).isEqualTo(before);
        continue;
      }
      assertThat(after).as(t.name()).isEqualTo(before + 1);
      String commit =
          Files.readString(
              tmp.resolve("wh")
                  .resolve(t.name())
                  .resolve("_delta_log/%020d.json".formatted(after)));
      assertThat(commit).as(t.name()).contains("\"MERGE\"");
      words.forEach(w -> assertThat(commit).as(t.name()).doesNotContain(w));
    }
  }

  @Test
  void theAuditRecordHoldsCountsAndNoPersonalData() throws Exception {
    List<Path> records;
    try (Stream<Path> s = Files.list(tmp.resolve("wh/_audit/erasures"))) {
      records = s.filter(f -> !f.getFileName().toString().startsWith(".")).toList();
    }
    assertThat(records).hasSize(1); // the dry run wrote none
    String text = Files.readString(records.get(0));
    JsonNode audit = JSON.readTree(text);
    List<String> keys = new ArrayList<>();
    audit.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactly("erasure_id", "erased_at", "dry_run", "accounts", "tables");
    assertThat(audit.get("erasure_id").asText()).isEqualTo(erasure.erasureId()).hasSize(36);
    assertThat(audit.get("accounts").asInt()).isEqualTo(subject.accounts().size());
    assertThat(audit.get("tables").get("engagements").get("rows_deleted").asLong())
        .isEqualTo(erasure.tables().get("engagements").rowsDeleted())
        .isPositive();
    for (String w : words) {
      assertThat(text).doesNotContain(w);
      for (String algorithm : List.of("MD5", "SHA-1", "SHA-256")) {
        String hash =
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance(algorithm)
                        .digest(w.getBytes(StandardCharsets.UTF_8)));
        assertThat(text.toLowerCase()).doesNotContain(hash);
      }
    }
    // Nor do the run reports, the catalog file, or what the erasure printed.
    for (Path f : filesOutsideTables(tmp.resolve("wh"))) {
      String content = Files.readString(f);
      words.forEach(w -> assertThat(content).as(f.toString()).doesNotContain(w));
    }
    words.forEach(w -> assertThat(printed).doesNotContain(w));
  }

  static List<Path> filesOutsideTables(Path warehouse) throws IOException {
    try (Stream<Path> s = Files.walk(warehouse)) {
      return s.filter(Files::isRegularFile)
          .filter(f -> warehouse.relativize(f).toString().startsWith("_"))
          .filter(f -> !f.getFileName().toString().startsWith(".")) // Hadoop's checksums
          .toList();
    }
  }

  @Test
  void vacuumWithNoRetentionLeavesNoDataFileThatHeldThemOnlyOlderLogEntries() throws Exception {
    Path copy = copy(tmp.resolve("wh"), tmp.resolve("wh-vacuumed"));
    Map<String, String> settings =
        Map.of(
            "spark.databricks.delta.retentionDurationCheck.enabled", "false",
            // VACUUM lists a table in this many tasks (10,000 by default): far too many here.
            "spark.sql.sources.parallelPartitionDiscovery.parallelism", "2");
    settings.forEach(spark.conf()::set);
    try {
      for (Table t : Tables.ALL) {
        spark.sql(
            "VACUUM " + Delta.sqlRef(spark, copy.resolve(t.name()).toString()) + " RETAIN 0 HOURS");
      }
    } finally {
      settings.keySet().forEach(spark.conf()::unset);
    }
    for (Table t : Tables.ALL) {
      Path folder = copy.resolve(t.name());
      Dataset<Row> rows = table(copy, t);
      assertThat(rows.where(mentions()).count()).as(t.name()).isZero();
      // Every data file left is one the current version reads: no replaced file, and no
      // change-feed file (scores keeps the deleted rows there until VACUUM).
      List<String> onDisk;
      try (Stream<Path> s = Files.walk(folder)) {
        onDisk =
            s.filter(f -> f.toString().endsWith(".parquet"))
                .filter(f -> !folder.relativize(f).startsWith("_delta_log"))
                .map(f -> f.getFileName().toString())
                .sorted()
                .toList();
      }
      List<String> read =
          Stream.of(rows.inputFiles())
              .map(f -> f.substring(f.lastIndexOf('/') + 1))
              .sorted()
              .toList();
      assertThat(onDisk).as(t.name()).isEqualTo(read);
      // What is left is what docs/operations.md says: the log entries from before the erasure
      // (file statistics: a column's min or max can be one of their ids), until log cleanup.
      List<Path> log;
      try (Stream<Path> s = Files.walk(folder.resolve("_delta_log"))) {
        log = s.filter(Files::isRegularFile).toList();
      }
      for (Path f : log) {
        String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        if (words.stream().anyMatch(content::contains)) {
          String name = f.getFileName().toString().replaceFirst("^\\.", "");
          assertThat(Long.parseLong(name.substring(0, name.indexOf('.'))))
              .as(t.name() + " " + name)
              .isLessThanOrEqualTo(versionsBefore.get(t.name()));
        }
      }
    }
  }

  @Test
  void scoringAgainAfterTheErasureEqualsARunOnRawDataWithoutThePerson() throws Exception {
    // The erased warehouse, scored again day by day (ingest would read the raw input back in).
    CloutConfig rescored =
        config(tmp.resolve("raw"), copy(tmp.resolve("wh"), tmp.resolve("wh-rescored")));
    // A warehouse that never saw them: every raw line of theirs dropped before ingest.
    Path rawWithout = withoutThePerson(tmp.resolve("raw"), tmp.resolve("raw-without"));
    CloutConfig never = config(rawWithout, tmp.resolve("wh-never"));
    for (LocalDate d : List.of(D1, D2)) {
      ScoreJob.run(spark, rescored, d);
      IngestJob.run(spark, never, d);
      ScoreJob.run(spark, never, d);
    }
    Dataset<Row> expected = Tables.read(spark, never, Tables.SCORES);
    assertThat(
            Comparison.sideBySide(
                    Tables.read(spark, rescored, Tables.SCORES),
                    expected,
                    1e-9,
                    "score_date",
                    "person_id")
                .collectAsList())
        .isEmpty();
    // Losing their edges moves other people: the comparison is not between equal tables.
    assertThat(
            Comparison.sideBySide(
                    Tables.read(spark, config, Tables.SCORES),
                    expected,
                    1e-9,
                    "score_date",
                    "person_id")
                .count())
        .isPositive();
  }

  /** {@code raw} without the person's events and identity lines, and lines that name them. */
  static Path withoutThePerson(Path raw, Path out) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(raw)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    for (Path f : files) {
      Path target = out.resolve(raw.relativize(f).toString());
      Files.createDirectories(target.getParent());
      boolean gz = f.toString().endsWith(".gz");
      List<String> kept = new ArrayList<>();
      try (InputStream in =
          gz ? new GZIPInputStream(Files.newInputStream(f)) : Files.newInputStream(f)) {
        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
          if (!theirs(line)) {
            kept.add(line);
          }
        }
      }
      byte[] bytes = String.join("\n", kept).getBytes(StandardCharsets.UTF_8);
      try (OutputStream o =
          gz
              ? new GZIPOutputStream(Files.newOutputStream(target))
              : Files.newOutputStream(target)) {
        o.write(bytes);
      }
    }
    return out;
  }

  /**
   * An event or identity of theirs (by its fields), or a line that cannot be read and names them.
   */
  static boolean theirs(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      if (n != null && n.isObject()) {
        String network = n.path("network").asText("");
        for (String field : List.of("actor_id", "target_id", "account_id")) {
          if (n.hasNonNull(field)
              && subject.ids().contains(network + ":" + n.get(field).asText())) {
            return true;
          }
        }
        return n.path("person_id").asText("").equals(person);
      }
    } catch (IOException unreadable) {
      // falls through to the text
    }
    return words.stream().anyMatch(line::contains);
  }

  static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path f : s.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return to;
  }

  @Test
  void aTableWithDeletionVectorsHasItsFilesRewrittenSoNoLiveFileHoldsThem() {
    CloutConfig small = config(tmp.resolve("raw-unused"), tmp.resolve("wh-dv"));
    String row = "{\"network\":\"%s\",\"account_id\":\"%s\",\"person_id\":\"%s\"}";
    Tables.write(
        small,
        Tables.IDENTITIES,
        TestSpark.df(
                Tables.IDENTITIES.ddl(),
                row.formatted("twitter", "tw1", "p1"),
                row.formatted("twitter", "tw2", "p2"),
                row.formatted("facebook", "fb1", "p1"))
            .coalesce(1), // one file holding both people
        null);
    String path = Tables.path(small, Tables.IDENTITIES);
    spark.sql(
        "ALTER TABLE "
            + Delta.sqlRef(spark, path)
            + " SET TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')");
    Forget.Erasure e =
        Forget.run(spark, small, "p1", false, new PrintStream(OutputStream.nullOutputStream()));
    assertThat(e.tables().get("identities").rowsDeleted()).isEqualTo(2);
    assertThat(
            io.delta.tables.DeltaTable.forPath(spark, path)
                .history(2)
                .select("operation")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactly("REORG", "MERGE");
    // Read as plain Parquet, deletion vectors do not hide rows: the files themselves hold only p2.
    String[] live = spark.read().format("delta").load(path).inputFiles();
    assertThat(
            spark
                .read()
                .parquet(live)
                .select("person_id")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactly("p2");
  }

  @Test
  void anErasureStopsWhileAnotherRunWritesTheWarehouseButADryRunReadsOn() {
    CloutConfig busy = config(tmp.resolve("raw-unused"), tmp.resolve("wh-busy"));
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    try (RunLock day = RunLock.acquire(spark, busy, "daily " + D1)) {
      assertThatThrownBy(() -> Forget.run(spark, busy, "p1", false, quiet))
          .isInstanceOf(CloutException.class)
          .hasMessageStartingWith(
              "Cannot start forget: another Clout run is writing this warehouse (");
      assertThat(Forget.run(spark, busy, "p1", true, quiet).tables()).isEmpty();
    }
  }

  @Test
  void aPersonIdResolvesToEveryLinkedAccountAndAnUnmappedAccountToItself() {
    Dataset<Row> identities =
        TestSpark.df(
            Tables.IDENTITIES.ddl(),
            "{\"network\":\"twitter\",\"account_id\":\"tw1\",\"person_id\":\"p1\"}",
            "{\"network\":\"facebook\",\"account_id\":\"fb1\",\"person_id\":\"p1\"}",
            "{\"network\":\"twitter\",\"account_id\":\"tw2\",\"person_id\":\"p2\"}");
    Forget.Subject p1 = Forget.resolve(identities, "p1");
    assertThat(p1.ids()).containsExactly("p1", "facebook:fb1", "twitter:tw1");
    assertThat(p1.words()).containsExactly("p1", "facebook:fb1", "twitter:tw1", "fb1", "tw1");
    assertThat(Forget.resolve(identities, "twitter:tw9").accounts())
        .containsExactly(new Forget.Account("twitter", "tw9"));
    assertThatThrownBy(() -> Forget.resolve(identities, "twitter:tw1"))
        .isInstanceOf(CloutException.class)
        .hasMessage(
            "Cannot forget twitter:tw1: identities maps that account to person p1; --person p1"
                + " forgets the person with every account linked to them");
    assertThat(Forget.resolve(identities, "p7").accounts()).isEmpty();
  }

  @Test
  void freeTextMatchesAnIdOnlyAsAWholeWord() {
    String pattern =
        new Forget.Subject("p1", List.of(new Forget.Account("twitter", "tw1"))).wordPattern();
    java.util.regex.Pattern p = java.util.regex.Pattern.compile(pattern);
    assertThat(p.matcher("{\"actor_id\":\"tw1\"}").find()).isTrue();
    assertThat(p.matcher("account already mapped to person p1").find()).isTrue();
    assertThat(p.matcher("twitter:tw1").find()).isTrue();
    assertThat(p.matcher("{\"actor_id\":\"tw12\",\"x\":\"p10\",\"y\":\"xtw1\"}").find()).isFalse();
  }

  @Test
  void aPersonIdThatIsEmptyOrHoldsAControlCharacterIsAUsageError() {
    Map<String, String> cases = new HashMap<>();
    cases.put("", "the person id is empty");
    cases.put("p1\u0007", "the person id holds a control character");
    cases.put(" p1", "the person id starts or ends with white space");
    cases.forEach(
        (id, message) -> {
          ByteArrayOutputStream err = new ByteArrayOutputStream();
          int code =
              Cli.run(
                  new PrintStream(OutputStream.nullOutputStream()),
                  new PrintStream(err, true, StandardCharsets.UTF_8),
                  "forget",
                  "--person",
                  id);
          assertThat(code).as(message).isEqualTo(Cli.USAGE);
          assertThat(err.toString(StandardCharsets.UTF_8))
              .contains("clout forget: --person: " + message);
        });
  }
}
