package io.clout.jobs.cli;

import io.clout.jobs.CloutException;
import io.clout.jobs.importer.TemporalImporter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code clout import-temporal --in FILE --out DIR}: a SNAP temporal network, no Spark. */
@Command(
    name = "import-temporal",
    description = "Convert a SNAP or KONECT temporal-network file into the raw contract.")
final class ImportTemporalCommand implements Callable<Integer> {
  @Option(
      names = "--in",
      required = true,
      paramLabel = "FILE",
      converter = PathArguments.AsPath.class)
  Path in;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      converter = PathArguments.AsPath.class)
  Path out;

  @Option(names = "--network", defaultValue = "twitter")
  String network;

  @Option(
      names = "--kind",
      defaultValue = "reply",
      description = "the event type of a line with no kind")
  String kind;

  @Option(
      names = "--format",
      defaultValue = "snap",
      description = "snap (src dst unix_ts [kind]) or konect (src dst weight unix_ts)")
  TemporalImporter.Format format;

  @Override
  public Integer call() {
    try {
      TemporalImporter.Result r = TemporalImporter.run(in, out, network, kind, format);
      System.out.printf(
          "imported %d lines into %d days under %s (%d lines did not parse, %d not positive)%n",
          r.linesPerDay().values().stream().mapToLong(Long::longValue).sum(),
          r.linesPerDay().size(),
          out,
          r.unparsable(),
          r.skipped());
    } catch (IOException e) {
      throw new CloutException("Cannot import " + in + ": " + e.getMessage(), e);
    }
    return 0;
  }
}
