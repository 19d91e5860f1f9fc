package io.clout.jobs.cli;

import io.clout.jobs.ingest.IngestJob;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code clout ingest --date D}. */
@Command(
    name = "ingest",
    description =
        "Validate one day's raw partition into engagements, identities and rejected_events.")
final class IngestCommand implements Callable<Integer> {
  @Mixin SparkOptions spark;

  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD")
  LocalDate date;

  @Override
  public Integer call() throws Exception {
    spark.withSpark(
        "clout-ingest", (s, c) -> System.out.println(IngestJob.run(s, c, date).summary()));
    return 0;
  }
}
