package io.clout.jobs.cli;

import io.clout.jobs.bench.Bench;
import java.nio.file.Path;
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

  @Override
  public Integer call() throws Exception {
    Path to =
        report != null
            ? report
            : quick
                ? out.resolve("benchmarks.md")
                : Path.of(System.getProperty("clout.home", "."), "docs", "benchmarks.md");
    spark.withSpark(
        "clout-bench",
        (s, c) -> Bench.run(s, spark::load, quick ? Bench.QUICK : Bench.FULL, out, to, System.out));
    return 0;
  }
}
