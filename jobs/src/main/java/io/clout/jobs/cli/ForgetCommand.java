package io.clout.jobs.cli;

import io.clout.jobs.Delta;
import io.clout.jobs.Forget;
import io.clout.jobs.Tables;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code clout forget --person P [--dry-run]}: erase a person and their linked accounts from every
 * table, then say how to make the erasure physical (VACUUM). Prints no id, since console output of
 * scheduled runs is often kept.
 */
@Command(
    name = "forget",
    description = {
      "Erase a person and their linked accounts from every table (one commit per table changed),"
          + " with an audit record holding no personal data in _audit/erasures/.",
      "The replaced files stay until VACUUM: see docs/operations.md, Erasure."
    })
final class ForgetCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin SparkOptions spark;

  @Option(
      names = "--person",
      required = true,
      paramLabel = "P",
      description = "the person id (as in identities), or network:account for an unmapped account")
  String person;

  @Option(names = "--dry-run", description = "count what would go, change nothing")
  boolean dryRun;

  @Override
  public Integer call() throws Exception {
    Forget.problem(person)
        .ifPresent(
            p -> {
              throw new ParameterException(spec.commandLine(), "--person: " + p);
            });
    spark.withSpark(
        "clout-forget",
        (s, c) -> {
          Forget.Erasure e = Forget.run(s, c, person, dryRun, System.out);
          if (dryRun) {
            System.out.printf(
                "dry run: %d rows would be deleted and %d cleaned; nothing changed%n",
                e.rowsDeleted(), e.rowsUpdated());
            return;
          }
          System.out.printf(
              "erasure %s: %d rows deleted and %d cleaned in %d tables; audit record %s%n",
              e.erasureId(),
              e.rowsDeleted(),
              e.rowsUpdated(),
              e.changedTables().size(),
              Forget.auditPath(c, e));
          if (e.changedTables().isEmpty()) {
            System.out.println("no table mentioned the person");
            return;
          }
          Instant due = Instant.parse(e.erasedAt()).plus(168, ChronoUnit.HOURS);
          System.out.println(
              "The replaced files still hold the person's rows, and time travel to earlier"
                  + " versions shows them, until VACUUM removes the files. Either run");
          System.out.println(
              "  ./clout maintain        # at or after " + due + " (168 h retention)");
          System.out.println(
              "or now, when no reader or job needs an older version (time travel to versions"
                  + " before this erasure stops working):");
          for (String name : e.changedTables()) {
            String ref = Delta.sqlRef(s, Tables.stripSlash(c.paths().warehouse()) + "/" + name);
            System.out.println(
                "  ./clout sql --conf spark.databricks.delta.retentionDurationCheck.enabled=false"
                    + " 'VACUUM "
                    + ref
                    + " RETAIN 0 HOURS'");
          }
          System.out.println(
              "The raw input under paths.raw is not erased: the next ingest brings the person"
                  + " back unless it is deleted upstream too (docs/operations.md, Erasure).");
        });
    return 0;
  }
}
