package io.clout.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The bench hands its Spark options to the JVM that runs its daily workloads. */
class SparkOptionsTest {
  @Command(name = "probe")
  static final class Probe {
    @Mixin SparkOptions spark;
  }

  static SparkOptions parse(List<String> args) {
    Probe p = new Probe();
    new CommandLine(p).parseArgs(args.toArray(String[]::new));
    return p.spark;
  }

  @Test
  void argsParseBackToTheSameOptions() {
    SparkOptions first =
        parse(
            List.of(
                "--env",
                "ci",
                "--config",
                "conf/x.yaml",
                "--raw",
                "s3a://b/raw",
                "--warehouse",
                "/tmp/wh",
                "--set",
                "scoring.damping=0.8",
                "--set",
                "ingest.max-age-days=9",
                "--conf",
                "spark.sql.shuffle.partitions=3"));
    SparkOptions again = parse(first.args());
    assertThat(again.args()).isEqualTo(first.args());
    assertThat(again.env).isEqualTo("ci");
    assertThat(again.config).hasToString("conf/x.yaml");
    assertThat(again.raw).isEqualTo("s3a://b/raw");
    assertThat(again.warehouse).isEqualTo("/tmp/wh");
    assertThat(again.sets)
        .containsExactly(
            java.util.Map.entry("scoring.damping", "0.8"),
            java.util.Map.entry("ingest.max-age-days", "9"));
    assertThat(again.sparkConf).containsEntry("spark.sql.shuffle.partitions", "3");
    assertThat(parse(List.of()).args()).containsExactly("--env", "local");
  }
}
