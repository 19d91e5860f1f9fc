package io.clout.jobs.cli;

import io.clout.jobs.Pipeline;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code clout backfill --from D1 --to D2 [--force]}. */
@Command(
    name = "backfill",
    description =
        "Run the days from D1 to D2 in order, in one Spark session, skipping complete days.")
final class BackfillCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin SparkOptions spark;

  @Option(names = "--from", required = true, paramLabel = "YYYY-MM-DD")
  LocalDate from;

  @Option(names = "--to", required = true, paramLabel = "YYYY-MM-DD")
  LocalDate to;

  @Option(names = "--force", description = "rerun days that are already complete")
  boolean force;

  @Override
  public Integer call() throws Exception {
    if (to.isBefore(from)) {
      throw new ParameterException(spec.commandLine(), "--to " + to + " is before --from " + from);
    }
    spark.withSpark(
        "clout-backfill", (s, c) -> Pipeline.runRange(s, c, from, to, force, System.out));
    return 0;
  }
}
