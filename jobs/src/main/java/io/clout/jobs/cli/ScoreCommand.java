package io.clout.jobs.cli;

import io.clout.jobs.score.ScoreJob;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code clout score --date D}. */
@Command(
    name = "score",
    description =
        "Build the interaction graph, propagate influence, write scores and score_drivers.")
final class ScoreCommand implements Callable<Integer> {
  @Mixin SparkOptions spark;

  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD")
  LocalDate date;

  @Override
  public Integer call() throws Exception {
    spark.withSpark(
        "clout-score", (s, c) -> System.out.println(ScoreJob.run(s, c, date).summary()));
    return 0;
  }
}
