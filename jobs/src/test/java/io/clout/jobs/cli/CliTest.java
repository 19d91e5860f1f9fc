package io.clout.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.clout.common.config.CloutConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as a user meets it: usage errors exit 2 and name the flag and the command. */
class CliTest {
  @TempDir Path dir;

  /** Exit code, standard output and standard error of one call. */
  record Outcome(int code, String out, String err) {}

  static Outcome call(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Cli.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new Outcome(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aFlagTheCommandDoesNotTakeIsAUsageError() {
    Outcome o = call("score", "--date", "2026-01-07", "--force");
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("clout score").contains("--force");
  }

  @Test
  void anUnknownFlagIsAUsageErrorNamingIt() {
    Outcome o = call("sql", "SELECT 1", "--limt", "5");
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("clout sql").contains("--limt");
  }

  @Test
  void aMissingValueIsAUsageError() {
    Outcome o = call("ingest", "--date");
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("clout ingest").contains("--date");
  }

  @Test
  void aMissingRequiredOptionIsAUsageError() {
    Outcome o = call("daily");
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("clout daily").contains("--date");
  }

  @Test
  void aNonNumberWhereANumberIsDueIsAUsageError() {
    Outcome o = call("generate", "--out", dir.toString(), "--persons", "many");
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("clout generate").contains("--persons").contains("many");
    Outcome limit = call("sql", "SELECT 1", "--limit", "x");
    assertThat(limit.code()).isEqualTo(2);
    assertThat(limit.err()).contains("--limit");
  }

  @Test
  void aBadDateIsAUsageErrorThatSaysTheFormat() {
    Outcome o = call("backfill", "--from", "2026-13-01", "--to", "2026-01-02");
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("--from").contains("expected YYYY-MM-DD");
  }

  @Test
  void rangesAndValuesAreValidatedBeforeSparkStarts() {
    Outcome back = call("backfill", "--from", "2026-01-05", "--to", "2026-01-01");
    assertThat(back.code()).isEqualTo(2);
    assertThat(back.err()).contains("clout backfill").contains("before --from");
    Outcome eval = call("evaluate", "--from", "2026-01-05", "--to", "2026-01-05");
    assertThat(eval.code()).isEqualTo(2);
    assertThat(eval.err()).contains("clout evaluate").contains("must be after --from");
    Outcome gen = call("generate", "--out", dir.toString(), "--persons", "3");
    assertThat(gen.code()).isEqualTo(2);
    assertThat(gen.err()).contains("--persons >= 20");
    Outcome format = call("sql", "SELECT 1", "--format", "xml");
    assertThat(format.code()).isEqualTo(2);
    assertThat(format.err()).contains("--format").contains("xml");
  }

  @Test
  void aSetWithoutKeyValueIsAUsageError() {
    Outcome o = call("score", "--date", "2026-01-07", "--set", "scoring.damping");
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("--set").contains("scoring.damping");
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    Outcome o = call("scroe", "--date", "2026-01-07");
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("scroe");
  }

  @Test
  void helpListsEveryCommand() {
    Outcome o = call("help");
    assertThat(o.code()).isZero();
    assertThat(o.out())
        .contains(
            "generate",
            "import-temporal",
            "ingest",
            "score",
            "moments",
            "perks",
            "daily",
            "backfill",
            "evaluate",
            "bench",
            "maintain",
            "sql");
    Outcome sub = call("sql", "--help");
    assertThat(sub.code()).isZero();
    assertThat(sub.out()).contains("--format").contains("--limit").contains("--warehouse");
  }

  @Test
  void optionsArriveTyped() {
    BackfillCommand b =
        parse(new BackfillCommand(), "--from", "2026-01-01", "--to", "2026-01-03", "--force");
    assertThat(b.from).isEqualTo(LocalDate.of(2026, 1, 1));
    assertThat(b.to).isEqualTo(LocalDate.of(2026, 1, 3));
    assertThat(b.force).isTrue();
    SqlCommandLine s = parse(new SqlCommandLine(), "SELECT 1", "--format", "CSV");
    assertThat(s.format).isEqualTo(io.clout.jobs.SqlCommand.Format.CSV);
    assertThat(s.limit).isNull();
  }

  @Test
  void configLayersFileThenPathsThenCommandThenSetThenConf() throws IOException {
    Path file = dir.resolve("my.yaml");
    Files.writeString(
        file, "paths:\n  raw: /file/raw\n  warehouse: /file/wh\nscoring:\n  damping: 0.8\n");
    CloutConfig fileOnly =
        parse(new ScoreCommand(), "--date", "2026-01-01", "--config", file.toString())
            .spark
            .load(Map.of());
    assertThat(fileOnly.paths().warehouse()).isEqualTo("/file/wh");
    assertThat(fileOnly.scoring().damping()).isEqualTo(0.8);

    SparkOptions paths =
        parse(
                new ScoreCommand(),
                "--date",
                "2026-01-01",
                "--config",
                file.toString(),
                "--warehouse",
                "/flag/wh")
            .spark;
    assertThat(paths.load(Map.of()).paths().warehouse()).isEqualTo("/flag/wh");
    assertThat(paths.load(Map.of()).paths().raw()).isEqualTo("/file/raw");
    // what a command sets (evaluate's own warehouse) beats the path flags ...
    assertThat(paths.load(Map.of("paths.warehouse", "/cmd/wh")).paths().warehouse())
        .isEqualTo("/cmd/wh");

    SparkOptions all =
        parse(
                new ScoreCommand(),
                "--date",
                "2026-01-01",
                "--config",
                file.toString(),
                "--warehouse",
                "/flag/wh",
                "--set",
                "paths.warehouse=/set/wh",
                "--set",
                "scoring.damping=0.7",
                "--conf",
                "spark.sql.shuffle.partitions=3")
            .spark;
    // ... and --set beats everything.
    CloutConfig c = all.load(Map.of("paths.warehouse", "/cmd/wh"));
    assertThat(c.paths().warehouse()).isEqualTo("/set/wh");
    assertThat(c.scoring().damping()).isEqualTo(0.7);
    assertThat(c.spark().conf()).containsEntry("spark.sql.shuffle.partitions", "3");
  }

  @Test
  void anUnknownConfigKeyExitsWithUsageAndNamesTheKey() throws IOException {
    Path file = Files.writeString(dir.resolve("c.yaml"), "paths:\n  raw: /r\n");
    Outcome o =
        call(
            "score",
            "--config",
            file.toString(),
            "--date",
            "2026-01-01",
            "--set",
            "scoring.dampnig=0.5",
            "--warehouse",
            dir.toString());
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("scoring.dampnig");
  }

  @Test
  void generateWritesTheRawContract() throws IOException {
    Outcome o = call("generate", "--out", dir.toString(), "--persons", "20", "--days", "1");
    assertThat(o.code()).isZero();
    try (var files = Files.walk(dir.resolve("engagement/dt=2026-01-01"))) {
      assertThat(files.filter(Files::isRegularFile).count()).isPositive();
    }
  }

  private static <T> T parse(T command, String... args) {
    CommandLine cl = new CommandLine(command);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.registerConverter(LocalDate.class, Cli::date);
    cl.parseArgs(args);
    return command;
  }
}
