package io.clout.jobs.cli;

import io.clout.jobs.Maintenance;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code clout maintain [--retain-hours H]}. */
@Command(
    name = "maintain",
    description =
        "OPTIMIZE every table (Z-order by person_id where read by person), VACUUM keeping H >= 168 hours.")
final class MaintainCommand implements Callable<Integer> {
  @Mixin SparkOptions spark;

  @Option(names = "--retain-hours", paramLabel = "H", defaultValue = "168")
  int retainHours;

  @Override
  public Integer call() throws Exception {
    spark.withSpark("clout-maintain", (s, c) -> Maintenance.run(s, c, retainHours, System.out));
    return 0;
  }
}
