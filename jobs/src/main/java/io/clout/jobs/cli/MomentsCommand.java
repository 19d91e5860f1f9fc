package io.clout.jobs.cli;

import io.clout.jobs.moments.MomentsJob;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code clout moments --date D}. */
@Command(
    name = "moments",
    description =
        "Each person's top posts with their engagers, outreach, unanswered influencers, what works.")
final class MomentsCommand implements Callable<Integer> {
  @Mixin SparkOptions spark;

  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD")
  LocalDate date;

  @Override
  public Integer call() throws Exception {
    spark.withSpark(
        "clout-moments", (s, c) -> System.out.println(MomentsJob.run(s, c, date).summary()));
    return 0;
  }
}
