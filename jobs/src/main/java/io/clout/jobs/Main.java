package io.clout.jobs;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigException;
import io.clout.common.config.ConfigLoader;
import io.clout.jobs.CliArgs.UsageException;
import io.clout.jobs.bench.Bench;
import io.clout.jobs.evaluate.Evaluation;
import io.clout.jobs.generate.Generator;
import io.clout.jobs.ingest.IngestJob;
import io.clout.jobs.ingest.IngestReport;
import io.clout.jobs.moments.MomentsJob;
import io.clout.jobs.score.ScoreJob;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** The command-line entry: {@code ./clout <command> [options]}, and the spark-submit main class. */
public final class Main {
  static final String HELP =
      """
      Usage: ./clout <command> [options]

      Commands:
        generate  --out DIR [--persons N] [--days D] [--start YYYY-MM-DD] [--seed S] [--malformed-rate R]
                  Write sample engagement logs in the raw contract (docs/events.md).
        import-temporal --in FILE --out DIR [--network twitter] [--kind reply]
                  Convert a SNAP temporal-network file (src dst unix_ts [RT|MT|RE]) into the raw contract.
        ingest    --date D
                  Validate one day's raw partition into engagements, identities and rejected_events.
        score     --date D
                  Build the interaction graph, propagate influence, write scores and score_drivers.
        moments   --date D
                  Each person's top posts with their engagers, outreach, unanswered influencers, what works.
        daily     --date D [--force]
                  Run every stage for one day: ingest, score, moments; one report in _reports/daily/.
                  A day already complete with the same inputs and parameters is skipped unless --force.
        backfill  --from D1 --to D2 [--force]
                  Run the days from D1 to D2 in order, in one Spark session, skipping complete days.
        evaluate  --from D1 --to D2 [--out DIR]
                  Run the days (into DIR/warehouse unless --warehouse), then test how well each day's
                  score predicts the engagement people receive the next day, against in-degree,
                  engagement count and PageRank; stability; an injected ring. Writes DIR/evaluation.json.
        bench     [--quick] [--out DIR] [--report FILE]
                  Daily runs on generated days of growing size, and propagation against GraphX and a
                  single-thread floor; writes DIR/bench.json and docs/benchmarks.md (quick: DIR/benchmarks.md).
        maintain  [--retain-hours H]
                  OPTIMIZE every table (Z-order by person_id where read by person), VACUUM keeping H >= 168 hours.
        sql       "SELECT ..." [--format table|csv|json] [--limit N]
                  Run Spark SQL over the warehouse tables, each known by its name.
        help      Show this text.

      Options for every command that uses Spark:
        --env NAME          conf/NAME.yaml (default: local)      --config FILE   another config file
        --raw PATH          raw logs root (paths.raw)            --warehouse PATH  tables root (paths.warehouse)
        --set key=value     override any config key (repeatable) --conf k=v       Spark setting (repeatable)

      Exit codes: 0 ok, 1 unexpected failure, 2 bad usage, configuration or input.
      """;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command and returns the exit code; never lets a known failure out as a stack trace. */
  public static int run(String... args) {
    try {
      CliArgs a = CliArgs.parse(args);
      switch (a.command()) {
        case "help", "--help", "-h" -> System.out.print(HELP);
        case "generate" -> generate(a);
        case "import-temporal" -> {
          a.allow("in", "out", "network", "kind");
          try {
            var r =
                io.clout.jobs.importer.TemporalImporter.run(
                    Path.of(a.required("in")),
                    Path.of(a.required("out")),
                    a.option("network", "twitter"),
                    a.option("kind", "reply"));
            System.out.printf(
                "imported %d lines into %d days under %s (%d lines did not parse)%n",
                r.linesPerDay().values().stream().mapToLong(Long::longValue).sum(),
                r.linesPerDay().size(),
                a.required("out"),
                r.unparsable());
          } catch (java.io.IOException e) {
            throw new CloutException(
                "Cannot import " + a.required("in") + ": " + e.getMessage(), e);
          }
        }
        case "ingest" ->
            withSpark(
                a.allow(common("date")),
                "clout-ingest",
                (spark, config) -> {
                  IngestReport r = IngestJob.run(spark, config, date(a.required("date")));
                  System.out.println(r.summary());
                });
        case "score" ->
            withSpark(
                a.allow(common("date")),
                "clout-score",
                (spark, config) ->
                    System.out.println(
                        ScoreJob.run(spark, config, date(a.required("date"))).summary()));
        case "moments" ->
            withSpark(
                a.allow(common("date")),
                "clout-moments",
                (spark, config) ->
                    System.out.println(
                        MomentsJob.run(spark, config, date(a.required("date"))).summary()));
        case "daily" ->
            withSpark(
                a.allow(common("date")),
                "clout-daily",
                (spark, config) -> {
                  LocalDate d = date(a.required("date"));
                  Pipeline.runRange(spark, config, d, d, a.flag("force"), System.out);
                });
        case "backfill" ->
            withSpark(
                a.allow(common("from", "to")),
                "clout-backfill",
                (spark, config) ->
                    Pipeline.runRange(
                        spark,
                        config,
                        date(a.required("from")),
                        date(a.required("to")),
                        a.flag("force"),
                        System.out));
        case "evaluate" -> {
          a.allow(common("from", "to", "out"));
          String outDir = a.option("out", "evaluation");
          // Its own warehouse unless told otherwise: an evaluation never writes into the daily
          // tables.
          Map<String, String> warehouse =
              a.options().containsKey("warehouse")
                  ? Map.of()
                  : Map.of("paths.warehouse", Tables.stripSlash(outDir) + "/warehouse");
          withSpark(
              a,
              warehouse,
              "clout-evaluate",
              (spark, config) ->
                  Evaluation.run(
                      spark,
                      config,
                      date(a.required("from")),
                      date(a.required("to")),
                      outDir,
                      System.out));
        }
        case "bench" ->
            withSpark(
                a.allow(common("out", "report")),
                "clout-bench",
                (spark, config) -> {
                  Path out = Path.of(a.option("out", "bench-out"));
                  Path report =
                      a.options().containsKey("report")
                          ? Path.of(a.options().get("report"))
                          : a.flag("quick")
                              ? out.resolve("benchmarks.md")
                              : Path.of(
                                  System.getProperty("clout.home", "."), "docs", "benchmarks.md");
                  Bench.run(
                      spark,
                      paths -> loadConfig(a, paths),
                      a.flag("quick") ? Bench.QUICK : Bench.FULL,
                      out,
                      report,
                      System.out);
                });
        case "maintain" ->
            withSpark(
                a.allow(common("retain-hours")),
                "clout-maintain",
                (spark, config) ->
                    Maintenance.run(
                        spark,
                        config,
                        Integer.parseInt(a.option("retain-hours", "168")),
                        System.out));
        case "sql" ->
            withSpark(
                a.allow(common("format", "limit")),
                "clout-sql",
                (spark, config) -> {
                  if (a.positional().size() != 1) {
                    throw new UsageException(
                        "Cannot run 'sql': give one quoted query, e.g. ./clout sql \"SELECT 1\"");
                  }
                  SqlCommand.Format format =
                      enumOption(SqlCommand.Format.class, a.option("format", "table"), "--format");
                  SqlCommand.run(
                      spark,
                      config,
                      a.positional().get(0),
                      format,
                      Integer.parseInt(a.option("limit", "1000")),
                      System.out);
                });
        default ->
            throw new UsageException("Unknown command '" + a.command() + "' (see ./clout help)");
      }
      return 0;
    } catch (UsageException | ConfigException | CloutException e) {
      System.err.println("clout: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      // Not a problem with the input or the call: a bug or an environment failure, so the
      // stack trace goes with the message.
      System.err.println("clout: unexpected failure: " + e.getMessage());
      e.printStackTrace();
      return 1;
    }
  }

  /** A failure that is not the user's to fix. */
  static final class UnexpectedFailure extends RuntimeException {
    UnexpectedFailure(String command, Throwable cause) {
      super("'" + command + "' failed: " + cause.getMessage(), cause);
    }
  }

  /** A command's body, given a session and the loaded config. */
  interface SparkCommand {
    void run(SparkSession spark, CloutConfig config) throws Exception;
  }

  static void withSpark(CliArgs a, String appName, SparkCommand command) {
    withSpark(a, Map.of(), appName, command);
  }

  /**
   * {@link #withSpark(CliArgs, String, SparkCommand)} with config overrides the command supplies.
   */
  static void withSpark(
      CliArgs a, Map<String, String> overrides, String appName, SparkCommand command) {
    CloutConfig config = loadConfig(a, overrides);
    SparkSession spark = SparkSessions.create(config, appName);
    try {
      command.run(spark, config);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      // Spark's checked exceptions (AnalysisException, SparkException) arrive here.
      throw new UnexpectedFailure(a.command(), e);
    } finally {
      spark.stop();
    }
  }

  /**
   * Layers the config: conf/<env>.yaml (or --config), then --raw/--warehouse, then --set, then
   * --conf.
   */
  public static CloutConfig loadConfig(CliArgs a) {
    return loadConfig(a, Map.of());
  }

  /**
   * {@link #loadConfig(CliArgs)} with {@code extra} overrides between --raw/--warehouse and --set.
   */
  static CloutConfig loadConfig(CliArgs a, Map<String, String> extra) {
    String home = System.getProperty("clout.home", System.getenv().getOrDefault("CLOUT_HOME", "."));
    Path file =
        a.options().containsKey("config")
            ? Path.of(a.options().get("config"))
            : Path.of(home, "conf", a.option("env", "local") + ".yaml");
    Map<String, String> overrides = new LinkedHashMap<>();
    if (a.options().containsKey("raw")) {
      overrides.put("paths.raw", a.options().get("raw"));
    }
    if (a.options().containsKey("warehouse")) {
      overrides.put("paths.warehouse", a.options().get("warehouse"));
    }
    overrides.putAll(extra);
    overrides.putAll(a.sets());
    return ConfigLoader.load(file, overrides, a.sparkConf());
  }

  private static void generate(CliArgs a) throws UsageException {
    a.allow("out", "persons", "days", "start", "seed", "malformed-rate");
    Generator.Params p =
        new Generator.Params(
            Integer.parseInt(a.option("persons", "2000")),
            Integer.parseInt(a.option("days", "7")),
            date(a.option("start", "2026-01-01")),
            Long.parseLong(a.option("seed", "42")),
            Double.parseDouble(a.option("malformed-rate", "0.005")));
    Path out = Path.of(a.required("out"));
    try {
      Generator.Manifest m = Generator.generate(p, out);
      long lines = m.linesPerDay().values().stream().mapToLong(Long::longValue).sum();
      System.out.printf(
          "generated %d days, %d persons, %d lines under %s (%d viral posts, %d quiet persons)%n",
          p.days(), p.persons(), lines, out, m.viralPosts().size(), m.quietFrom().size());
    } catch (java.io.IOException e) {
      throw new CloutException("Cannot generate into " + out + ": " + e.getMessage(), e);
    }
  }

  private static String[] common(String... own) {
    String[] shared = {"env", "config", "raw", "warehouse"};
    String[] all = new String[shared.length + own.length];
    System.arraycopy(shared, 0, all, 0, shared.length);
    System.arraycopy(own, 0, all, shared.length, own.length);
    return all;
  }

  static LocalDate date(String s) {
    try {
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      throw new UsageException("Cannot parse date '" + s + "': expected YYYY-MM-DD");
    }
  }

  private static <E extends Enum<E>> E enumOption(Class<E> type, String value, String option) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "Cannot use "
              + option
              + " "
              + value
              + ": expected one of "
              + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
    }
  }
}
