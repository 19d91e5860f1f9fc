package io.clout.jobs.cli;

import io.clout.jobs.CloutException;
import io.clout.jobs.generate.Generator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code clout generate --out DIR ...}: sample logs in the raw contract, no Spark. */
@Command(
    name = "generate",
    description = "Write sample engagement logs in the raw contract (docs/events.md).")
final class GenerateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      converter = PathArguments.AsPath.class)
  Path out;

  @Option(names = "--persons", defaultValue = "2000", description = "at least 20")
  int persons;

  @Option(names = "--days", defaultValue = "7", description = "at least 1")
  int days;

  @Option(names = "--start", defaultValue = "2026-01-01", paramLabel = "YYYY-MM-DD")
  LocalDate start;

  @Option(names = "--seed", defaultValue = "42")
  long seed;

  @Option(names = "--malformed-rate", defaultValue = "0.005", description = "from 0 to 1")
  double malformedRate;

  @Override
  public Integer call() {
    if (persons < 20 || days < 1 || !(malformedRate >= 0 && malformedRate <= 1)) {
      throw new ParameterException(
          spec.commandLine(), "need --persons >= 20, --days >= 1 and --malformed-rate from 0 to 1");
    }
    Generator.Params p = new Generator.Params(persons, days, start, seed, malformedRate);
    try {
      Generator.Manifest m = Generator.generate(p, out);
      long lines = m.linesPerDay().values().stream().mapToLong(Long::longValue).sum();
      System.out.printf(
          "generated %d days, %d persons, %d lines under %s (%d viral posts, %d quiet persons)%n",
          days, persons, lines, out, m.viralPosts().size(), m.quietFrom().size());
    } catch (IOException e) {
      throw new CloutException("Cannot generate into " + out + ": " + e.getMessage(), e);
    }
    return 0;
  }
}
