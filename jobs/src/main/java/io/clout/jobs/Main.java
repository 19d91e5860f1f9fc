package io.clout.jobs;

import io.clout.jobs.cli.Cli;

/** The entry point of {@code ./clout} and the spark-submit main class; see {@link Cli}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(Cli.run(System.out, System.err, args));
  }
}
