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
    description =
        "Convert a SNAP temporal-network file (src dst unix_ts [RT|MT|RE]) into the raw contract.")
final class ImportTemporalCommand implements Callable<Integer> {
  @Option(names = "--in", required = true, paramLabel = "FILE")
  Path in;

  @Option(names = "--out", required = true, paramLabel = "DIR")
  Path out;

  @Option(names = "--network", defaultValue = "twitter")
  String network;

  @Option(
      names = "--kind",
      defaultValue = "reply",
      description = "the event type of a line with no kind")
  String kind;

  @Override
  public Integer call() {
    try {
      TemporalImporter.Result r = TemporalImporter.run(in, out, network, kind);
      System.out.printf(
          "imported %d lines into %d days under %s (%d lines did not parse)%n",
          r.linesPerDay().values().stream().mapToLong(Long::longValue).sum(),
          r.linesPerDay().size(),
          out,
          r.unparsable());
    } catch (IOException e) {
      throw new CloutException("Cannot import " + in + ": " + e.getMessage(), e);
    }
    return 0;
  }
}
