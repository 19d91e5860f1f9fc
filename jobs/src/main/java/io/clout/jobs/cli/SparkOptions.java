package io.clout.jobs.cli;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import io.clout.jobs.SparkSessions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/**
 * The options of every command that runs Spark, and the one place the configuration layers meet:
 * {@code conf/<env>.yaml} (or {@code --config}), then {@code --raw}/{@code --warehouse}, then what
 * the command itself sets, then {@code --set}, then {@code --conf} for Spark settings.
 */
public final class SparkOptions {
  @Option(
      names = "--env",
      paramLabel = "NAME",
      defaultValue = "local",
      converter = PathArguments.EnvName.class,
      description = "conf/NAME.yaml (default: ${DEFAULT-VALUE})")
  String env;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      converter = PathArguments.AsPath.class,
      description = "another config file")
  Path config;

  @Option(
      names = "--raw",
      paramLabel = "PATH",
      converter = PathArguments.AsString.class,
      description = "raw logs root (paths.raw)")
  String raw;

  @Option(
      names = "--warehouse",
      paramLabel = "PATH",
      converter = PathArguments.AsString.class,
      description = "tables root (paths.warehouse)")
  String warehouse;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "override any config key (repeatable)")
  Map<String, String> sets = new LinkedHashMap<>();

  @Option(names = "--conf", paramLabel = "K=V", description = "a Spark setting (repeatable)")
  Map<String, String> sparkConf = new LinkedHashMap<>();

  /** These options as command-line arguments, for a JVM of its own that runs the same setup. */
  List<String> args() {
    List<String> a = new ArrayList<>(List.of("--env", env));
    if (config != null) {
      a.addAll(List.of("--config", config.toString()));
    }
    if (raw != null) {
      a.addAll(List.of("--raw", raw));
    }
    if (warehouse != null) {
      a.addAll(List.of("--warehouse", warehouse));
    }
    sets.forEach((k, v) -> a.addAll(List.of("--set", k + "=" + v)));
    sparkConf.forEach((k, v) -> a.addAll(List.of("--conf", k + "=" + v)));
    return a;
  }

  /** A Spark command's body, given a session and the loaded config. */
  interface Body {
    void run(SparkSession spark, CloutConfig config) throws Exception;
  }

  /** The layered configuration; {@code commandSets} sit between the path options and --set. */
  public CloutConfig load(Map<String, String> commandSets) {
    String home = System.getProperty("clout.home", System.getenv().getOrDefault("CLOUT_HOME", "."));
    Path file = config != null ? config : Path.of(home, "conf", env + ".yaml");
    Map<String, String> overrides = new LinkedHashMap<>();
    if (raw != null) {
      overrides.put("paths.raw", raw);
    }
    if (warehouse != null) {
      overrides.put("paths.warehouse", warehouse);
    }
    overrides.putAll(commandSets);
    overrides.putAll(sets);
    return ConfigLoader.load(file, overrides, sparkConf);
  }

  /** Loads the config, runs {@code body} in a session, and stops the session in any case. */
  void withSpark(String appName, Map<String, String> commandSets, Body body) throws Exception {
    CloutConfig loaded = load(commandSets);
    SparkSession spark = SparkSessions.create(loaded, appName);
    try {
      body.run(spark, loaded);
    } finally {
      spark.stop();
    }
  }

  void withSpark(String appName, Body body) throws Exception {
    withSpark(appName, Map.of(), body);
  }
}
