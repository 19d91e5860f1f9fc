package io.clout.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.clout.common.config.ConfigLoader;
import io.clout.jobs.generate.Generator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * No credential appears in what a run leaves behind. Two runs of {@code clout daily} in their own
 * JVMs against a real S3 server (S3Proxy), with Spark's event log on (what the history server and
 * UI show as the environment): one that succeeds with keys given as {@code --conf
 * spark.hadoop.fs.s3a.*.key}, one that fails with keys the server does not know, taken from {@code
 * AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY} as the AWS provider chain takes them. Then
 * every file both runs wrote (stdout, stderr with INFO logging at start-up, the stack trace of the
 * failure, the event logs, the tables, their Delta logs and the run reports) is searched for the
 * keys.
 */
class SecretsTest {
  static final LocalDate DAY = LocalDate.parse("2026-03-01");

  /** A pair the server does not know, which a run reads from the environment and then fails. */
  static final String FAKE_ACCESS_KEY = "AKIAFAKEFAKE1234";

  static final String FAKE_SECRET = "fakeSecretDoNotLeak0123456789";

  // Kept when the test fails, to read what leaked.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path tmp;

  /** Exit code of one run; its output is in {@code <name>.out} and {@code <name>.err}. */
  static int clout(String name, Map<String, String> env, Path events, List<String> args)
      throws Exception {
    Path log4j =
        Files.writeString(
            tmp.resolve("log4j2-info.properties"),
            String.join(
                "\n",
                "rootLogger.level = info",
                "rootLogger.appenderRef.stderr.ref = console",
                "appender.console.type = Console",
                "appender.console.name = console",
                "appender.console.target = SYSTEM_ERR",
                "appender.console.layout.type = PatternLayout",
                "appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n"));
    List<String> clout =
        new ArrayList<>(
            List.of(
                "daily",
                "--date",
                DAY.toString(),
                "--env",
                "s3",
                "--raw",
                "s3a://clout/raw",
                "--set",
                "spark.master=local[2]",
                "--conf",
                "spark.sql.shuffle.partitions=2",
                "--conf",
                "spark.eventLog.enabled=true",
                "--conf",
                "spark.eventLog.dir=" + events.toUri(),
                // Spark 4 compresses event logs by default; plain text is what can be searched.
                "--conf",
                "spark.eventLog.compress=false"));
    clout.addAll(args);
    List<String> command =
        CloutJvm.command("1500m", List.of("-Dlog4j2.configurationFile=" + log4j), clout);
    Path cwd = Files.createDirectories(tmp.resolve(name + "-cwd"));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(cwd.toFile())
            .redirectOutput(tmp.resolve(name + ".out").toFile())
            .redirectError(tmp.resolve(name + ".err").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).as(name + " finished").isTrue();
    return p.exitValue();
  }

  @Test
  void noKeyInOutputLogsErrorsEventLogsTablesOrReports() throws Exception {
    Path events = Files.createDirectories(tmp.resolve("events"));
    try (S3ProxyServer s3 = S3ProxyServer.start(tmp)) {
      try (var client = s3.client()) {
        client.createBucket(b -> b.bucket("clout"));
      }
      Path raw = tmp.resolve("raw");
      Generator.generate(new Generator.Params(40, 1, DAY, 7, 0.01), raw);
      s3.upload(raw, "clout", "raw");

      // The server's own pair, given on the command line as --conf spark.hadoop.fs.s3a.*.
      List<String> withKeys = new ArrayList<>(List.of("--warehouse", "s3a://clout/warehouse"));
      s3.s3aSettings()
          .forEach((k, v) -> withKeys.addAll(List.of("--conf", "spark.hadoop." + k + "=" + v)));
      int ok = clout("ok", Map.of(), events, withKeys);
      assertThat(ok).as(Files.readString(tmp.resolve("ok.err"))).isZero();

      // The fake pair from the environment, with the provider chain left at its default.
      List<String> fromEnv = new ArrayList<>(List.of("--warehouse", "s3a://clout/warehouse-2"));
      s3.s3aSettings().entrySet().stream()
          .filter(e -> !e.getKey().contains(".key") && !e.getKey().contains("provider"))
          .forEach(
              e ->
                  fromEnv.addAll(
                      List.of("--conf", "spark.hadoop." + e.getKey() + "=" + e.getValue())));
      int failed =
          clout(
              "failed",
              Map.of("AWS_ACCESS_KEY_ID", FAKE_ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", FAKE_SECRET),
              events,
              fromEnv);
      assertThat(failed).isNotZero();
      assertThat(Files.readString(tmp.resolve("failed.err"))).contains("403");
    }

    // The searches can find what they look for: the report lists the keys, the event log the
    // environment, both with the values redacted.
    String report =
        Files.readString(tmp.resolve("s3data/clout/warehouse/_reports/daily/" + DAY + ".json"));
    assertThat(report)
        .contains(
            "\"spark.conf.spark.hadoop.fs.s3a.secret.key\" : \"" + ConfigLoader.REDACTED + "\"")
        .contains(
            "\"spark.conf.spark.hadoop.fs.s3a.access.key\" : \"" + ConfigLoader.REDACTED + "\"");
    // Spark 4 rolls event logs: a folder per application, with the events in files below it.
    StringBuilder eventLogs = new StringBuilder();
    try (Stream<Path> files = Files.walk(events)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        eventLogs.append(Files.readString(f));
      }
    }
    assertThat(eventLogs.toString().split("\"Event\":\"SparkListenerEnvironmentUpdate\"", -1))
        .hasSize(3);
    assertThat(eventLogs)
        .contains("\"spark.hadoop.fs.s3a.secret.key\":\"" + ConfigLoader.REDACTED + "\"");
    assertThat(Files.readString(tmp.resolve("ok.out"))).contains("day " + DAY);

    List<String> secrets =
        List.of(S3ProxyServer.SECRET_KEY, S3ProxyServer.ACCESS_KEY, FAKE_SECRET, FAKE_ACCESS_KEY);
    List<Path> searched = new ArrayList<>();
    try (Stream<Path> files = Files.walk(tmp)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String name = f.getFileName().toString();
        // The server's own configuration and log hold its credentials; they are not Clout's.
        if (name.startsWith("s3proxy.") || name.startsWith("log4j2-")) {
          continue;
        }
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        for (String secret : secrets) {
          assertThat(text).as(tmp.relativize(f) + " holds no key").doesNotContain(secret);
        }
        searched.add(tmp.relativize(f));
      }
    }
    assertThat(searched)
        .contains(Path.of("ok.out"), Path.of("ok.err"), Path.of("failed.err"))
        .anyMatch(p -> p.toString().contains("_delta_log"));
  }
}
