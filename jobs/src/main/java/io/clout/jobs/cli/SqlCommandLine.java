package io.clout.jobs.cli;

import io.clout.jobs.SqlCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clout sql "SELECT ..." [--format table|csv|json] [--limit N]}. */
@Command(
    name = "sql",
    description = "Run Spark SQL over the warehouse tables, each known by its name.")
final class SqlCommandLine implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin SparkOptions spark;

  @Parameters(arity = "1", paramLabel = "QUERY", description = "one quoted query")
  String query;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "table, csv or json (default: ${DEFAULT-VALUE})")
  SqlCommand.Format format;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "at most N rows (default: all for csv and json, 1000 shown for table)")
  Integer limit;

  @Override
  public Integer call() throws Exception {
    if (limit != null && limit < 0) {
      throw new ParameterException(
          spec.commandLine(), "--limit must not be negative, got " + limit);
    }
    spark.withSpark("clout-sql", (s, c) -> SqlCommand.run(s, c, query, format, limit, System.out));
    return 0;
  }
}
