package io.clout.jobs.cli;

import io.clout.jobs.Pipeline;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code clout daily --date D [--force]}. */
@Command(
    name = "daily",
    description = {
      "Run every stage for one day: ingest, score, moments; one report in _reports/daily/.",
      "A day already complete with the same inputs and parameters is skipped unless --force."
    })
final class DailyCommand implements Callable<Integer> {
  @Mixin SparkOptions spark;

  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD")
  LocalDate date;

  @Option(names = "--force", description = "rerun a day that is already complete")
  boolean force;

  @Override
  public Integer call() throws Exception {
    spark.withSpark(
        "clout-daily", (s, c) -> Pipeline.runRange(s, c, date, date, force, System.out));
    return 0;
  }
}
