package io.clout.jobs.cli;

import io.clout.jobs.perks.PerksJob;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code clout perks --date D}. */
@Command(
    name = "perks",
    description = "Partner perk eligibility (perks.catalog) and milestones from the day's scores.")
final class PerksCommand implements Callable<Integer> {
  @Mixin SparkOptions spark;

  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD")
  LocalDate date;

  @Override
  public Integer call() throws Exception {
    spark.withSpark(
        "clout-perks", (s, c) -> System.out.println(PerksJob.run(s, c, date).summary()));
    return 0;
  }
}
