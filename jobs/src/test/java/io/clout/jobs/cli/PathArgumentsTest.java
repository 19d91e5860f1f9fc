package io.clout.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.clout.jobs.cli.CliTest.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every option that names a file, a folder or a storage URI refuses a value that climbs out of it
 * ({@code ..}, also encoded or with backslashes), control characters and credentials in a URI: exit
 * 2, a message naming the option, and no Spark started (these tests start none).
 */
class PathArgumentsTest {
  @TempDir Path dir;

  static final List<String> CLIMBS =
      List.of("../x", "/data/raw/../../etc", "a/%2e%2e/b", "a\\..\\b", "a/%252e%252E/b");

  /** A command and the arguments it needs besides the path option under test. */
  record Command(String name, List<String> required) {}

  static final List<Command> SPARK_COMMANDS =
      List.of(
          new Command("ingest", List.of("--date", "2026-01-01")),
          new Command("score", List.of("--date", "2026-01-01")),
          new Command("moments", List.of("--date", "2026-01-01")),
          new Command("perks", List.of("--date", "2026-01-01")),
          new Command("daily", List.of("--date", "2026-01-01")),
          new Command("backfill", List.of("--from", "2026-01-01", "--to", "2026-01-02")),
          new Command("evaluate", List.of("--from", "2026-01-01", "--to", "2026-01-02")),
          new Command("bench", List.of("--quick")),
          new Command("maintain", List.of()),
          new Command("sql", List.of("SELECT 1")),
          new Command("serve", List.of()));

  static void assertRefused(Outcome o, String command, String option, String value) {
    assertThat(o.code()).as(command + " " + option + " " + value).isEqualTo(2);
    assertThat(o.err())
        .as(command + " " + option + " " + value)
        .contains("clout " + command)
        .contains("'" + option + "'")
        .contains("'..' segments are not allowed: " + value);
  }

  static Outcome call(Command c, String option, String value) {
    List<String> args = new ArrayList<>(List.of(c.name()));
    args.addAll(c.required());
    args.addAll(List.of(option, value));
    return CliTest.call(args.toArray(String[]::new));
  }

  @Test
  void everySparkCommandRefusesTraversalInRawWarehouseAndConfig() {
    for (Command c : SPARK_COMMANDS) {
      for (String option : List.of("--raw", "--warehouse", "--config")) {
        for (String value : CLIMBS) {
          assertRefused(call(c, option, value), c.name(), option, value);
        }
      }
    }
  }

  @Test
  void outputAndInputOptionsRefuseTraversal() {
    for (String value : CLIMBS) {
      assertRefused(
          call(
              new Command("evaluate", List.of("--from", "2026-01-01", "--to", "2026-01-02")),
              "--out",
              value),
          "evaluate",
          "--out",
          value);
      assertRefused(
          call(new Command("bench", List.of("--quick")), "--out", value), "bench", "--out", value);
      assertRefused(
          call(new Command("bench", List.of("--quick")), "--report", value),
          "bench",
          "--report",
          value);
      assertRefused(
          call(new Command("generate", List.of()), "--out", value), "generate", "--out", value);
      assertRefused(
          call(new Command("import-temporal", List.of("--out", dir.toString())), "--in", value),
          "import-temporal",
          "--in",
          value);
      assertRefused(
          call(new Command("import-temporal", List.of("--in", dir.toString())), "--out", value),
          "import-temporal",
          "--out",
          value);
    }
    // Nothing was written anywhere.
    assertThat(dir.resolve("x")).doesNotExist();
  }

  @Test
  void controlCharactersAndCredentialsInAUriAreRefusedWithoutEchoingTheSecret() {
    Outcome nul = CliTest.call("generate", "--out", "data\0/raw");
    assertThat(nul.code()).isEqualTo(2);
    assertThat(nul.err())
        .contains("'--out'")
        .contains("control characters are not allowed: data\\u0000/raw")
        .doesNotContain("\0");
    Outcome newline = CliTest.call("ingest", "--date", "2026-01-01", "--raw", "raw\n/x");
    assertThat(newline.code()).isEqualTo(2);
    assertThat(newline.err()).contains("control characters are not allowed: raw\\u000a/x");

    Outcome uri =
        CliTest.call(
            "ingest",
            "--date",
            "2026-01-01",
            "--raw",
            "s3a://AKIAFAKEFAKE1234:fakeSecretDoNotLeak0123456789@bucket/raw");
    assertThat(uri.code()).isEqualTo(2);
    assertThat(uri.err())
        .contains("'--raw'")
        .contains("credentials in a URI are not allowed")
        .contains("s3a://***@bucket/raw")
        .doesNotContain("fakeSecret")
        .doesNotContain("AKIAFAKE");
  }

  @Test
  void anEnvironmentIsANameNotAPath() {
    for (String env : List.of("../../etc/passwd", "a/b", "local.yaml", "")) {
      Outcome o = CliTest.call("ingest", "--date", "2026-01-01", "--env", env);
      assertThat(o.code()).as(env).isEqualTo(2);
      assertThat(o.err()).as(env).contains("'--env'");
    }
    assertThat(CliTest.call("ingest", "--date", "2026-01-01", "--env", "a/b").err())
        .contains("an environment is a name of letters, digits, '-' and '_'")
        .contains("--config FILE");
  }

  @Test
  void pathsFromSetAndConfigFilesAreCheckedTheSameWayBeforeSparkStarts() throws IOException {
    Path file = Files.writeString(dir.resolve("c.yaml"), "paths:\n  raw: /r/../../etc\n");
    Outcome fromFile =
        CliTest.call(
            "ingest", "--date", "2026-01-01", "--config", file.toString(), "--warehouse", "/w");
    assertThat(fromFile.code()).isEqualTo(2);
    assertThat(fromFile.err())
        .contains("paths.raw: '..' segments are not allowed: /r/../../etc")
        .doesNotContain("Exception");
    Outcome fromSet =
        CliTest.call(
            "daily",
            "--date",
            "2026-01-01",
            "--config",
            file.toString(),
            "--set",
            "paths.raw=/r",
            "--set",
            "paths.warehouse=s3a://bucket/wh/%2e%2e/other");
    assertThat(fromSet.code()).isEqualTo(2);
    assertThat(fromSet.err())
        .contains("paths.warehouse: '..' segments are not allowed: s3a://bucket/wh/%2e%2e/other");
  }

  @Test
  void aDateWithAPathInItIsNotADate() {
    for (String date : List.of("2026-01-01/../../x", "../2026-01-01", "2026-01-01\0")) {
      Outcome o = CliTest.call("daily", "--date", date);
      assertThat(o.code()).as(date).isEqualTo(2);
      assertThat(o.err()).as(date).contains("--date").contains("expected YYYY-MM-DD");
    }
  }

  @Test
  void ordinaryPathsAndUrisArriveAsGiven() {
    for (String value :
        List.of("/abs/warehouse", "rel/warehouse", "./warehouse", "s3a://bucket/prefix", "a..b")) {
      IngestCommand c = new IngestCommand();
      new CommandLine(c)
          .parseArgs("--date", "2026-01-01", "--raw", value, "--warehouse", value, "--env", "s3");
      assertThat(c.spark.raw).isEqualTo(value);
      assertThat(c.spark.warehouse).isEqualTo(value);
      assertThat(c.spark.env).isEqualTo("s3");
    }
    ImportTemporalCommand i = new ImportTemporalCommand();
    new CommandLine(i)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .parseArgs("--in", "/data/in.txt", "--out", "out/raw");
    assertThat(i.in).isEqualTo(Path.of("/data/in.txt"));
    assertThat(i.out).isEqualTo(Path.of("out/raw"));
  }
}
