package io.clout.jobs.cli;

import io.clout.jobs.Tables;
import io.clout.jobs.evaluate.Evaluation;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code clout evaluate --from D1 --to D2 [--out DIR]}. */
@Command(
    name = "evaluate",
    description = {
      "Score the days, then measure how each day's score predicts the next day's engagement.",
      "Runs the days into DIR/warehouse (unless --warehouse); compares the score with in-degree,",
      "engagement count and PageRank; stability; an injected ring. Writes DIR/evaluation.json."
    })
final class EvaluateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin SparkOptions spark;

  @Option(names = "--from", required = true, paramLabel = "YYYY-MM-DD")
  LocalDate from;

  @Option(names = "--to", required = true, paramLabel = "YYYY-MM-DD")
  LocalDate to;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "evaluation",
      converter = PathArguments.AsString.class)
  String out;

  @Option(
      names = "--check",
      description =
          "Exit 3 unless the score is ahead of every baseline on both measures and horizons and"
              + " every gaming bound holds")
  boolean check;

  @Override
  public Integer call() throws Exception {
    if (!to.isAfter(from)) {
      throw new ParameterException(
          spec.commandLine(),
          "--to "
              + to
              + " must be after --from "
              + from
              + ": a day to score and the next to check");
    }
    // Its own warehouse unless told otherwise: an evaluation never writes into the daily tables.
    // Historical data has days nobody engaged (weekends in an office's e-mail): those are days
    // with no lines, not missing deliveries.
    Map<String, String> own = new HashMap<>(Map.of("ingest.missing-partition", "empty"));
    if (spark.warehouse == null) {
      own.put("paths.warehouse", Tables.stripSlash(out) + "/warehouse");
    }
    Evaluation.Result[] result = new Evaluation.Result[1];
    spark.withSpark(
        "clout-evaluate",
        own,
        (s, c) -> result[0] = Evaluation.run(s, c, from, to, out, System.out));
    List<String> shortfalls = check ? Evaluation.shortfalls(result[0]) : List.of();
    shortfalls.forEach(f -> System.out.println("  check failed: " + f));
    if (check && shortfalls.isEmpty()) {
      System.out.println("  check passed: the score is ahead of every baseline, gaming in bounds");
    }
    return shortfalls.isEmpty() ? 0 : 3;
  }
}
