package io.clout.jobs.cli;

import io.clout.jobs.bench.Bench;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code clout bench [--quick] [--out DIR] [--report FILE]}. */
@Command(
    name = "bench",
    description = {
      "Benchmark daily runs of growing size, and propagation against GraphX and a floor.",
      "Writes DIR/bench.json and docs/benchmarks.md (quick: DIR/benchmarks.md)."
    })
final class BenchCommand implements Callable<Integer> {
  @Mixin SparkOptions spark;

  @Option(names = "--quick", description = "the small sizes CI runs")
  boolean quick;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "bench-out",
      converter = PathArguments.AsPath.class)
  Path out;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      converter = PathArguments.AsPath.class,
      description = "where the Markdown report goes")
  Path report;

  @Option(
      names = "--days-only",
      hidden = true,
      description = "only the daily workloads, into DIR/days.json (the bench runs them so)")
  boolean daysOnly;

  @Override
  public Integer call() throws Exception {
    Bench.Plan plan = quick ? Bench.QUICK : Bench.FULL;
    if (daysOnly) {
      spark.withSpark(
          "clout-bench-days", (s, c) -> Bench.writeDays(s, spark::load, plan, out, System.out));
      return 0;
    }
    List<String> days = new ArrayList<>(List.of("bench", "--days-only", "--out", out.toString()));
    if (quick) {
      days.add("--quick");
    }
    days.addAll(spark.args());
    Path to =
        report != null
            ? report
            : quick
                ? out.resolve("benchmarks.md")
                : Path.of(System.getProperty("clout.home", "."), "docs", "benchmarks.md");
    spark.withSpark("clout-bench", (s, c) -> Bench.run(s, plan, out, to, System.out, days));
    return 0;
  }
}
