package io.clout.jobs.cli;

import io.clout.common.config.ConfigException;
import io.clout.jobs.CloutException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/**
 * The command line, {@code ./clout <command> [options]}: one class per command, parsed by picocli.
 * Exit codes: 0 ok, 1 unexpected failure (with its stack trace), 2 bad usage, configuration or
 * input (a message, no stack trace).
 */
@Command(
    name = "clout",
    // --help and --version on every command, not only on clout itself.
    scope = CommandLine.ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    version = "clout 0.1.0",
    description = "Influence scores and moments from social-engagement logs (Spark + Delta Lake).",
    footer = {
      "",
      "Exit codes: 0 ok, 1 unexpected failure, 2 bad usage, configuration or input.",
      ""
    },
    subcommands = {
      CommandLine.HelpCommand.class,
      GenerateCommand.class,
      ImportTemporalCommand.class,
      IngestCommand.class,
      ScoreCommand.class,
      MomentsCommand.class,
      PerksCommand.class,
      DailyCommand.class,
      BackfillCommand.class,
      EvaluateCommand.class,
      BenchCommand.class,
      MaintainCommand.class,
      ForgetCommand.class,
      SqlCommandLine.class,
      ServeCommand.class
    })
public final class Cli implements Runnable {
  public static final int USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** No command: the overview, as {@code ./clout help} prints it. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Parses and runs one command; returns its exit code. Nothing known escapes as a stack trace. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    return commandLine(out, err).execute(args);
  }

  /** The configured command line, also what tests parse with. */
  public static CommandLine commandLine(PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(new Cli());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.registerConverter(LocalDate.class, Cli::date);
    cl.setParameterExceptionHandler(Cli::usageError);
    cl.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          if (e instanceof CloutException || e instanceof ConfigException) {
            line.getErr().println("clout: " + e.getMessage());
            return USAGE;
          }
          // Not a problem with the input or the call: a bug or an environment failure, so the
          // stack trace goes with the message.
          line.getErr().println("clout: unexpected failure: " + e.getMessage());
          e.printStackTrace(line.getErr());
          return 1;
        });
    return cl;
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine line = e.getCommandLine();
    String name = line.getCommandSpec().qualifiedName(" ");
    line.getErr().println(name + ": " + e.getMessage());
    line.getErr().println("See '" + name.replace("clout", "./clout") + " --help'.");
    return USAGE;
  }

  static LocalDate date(String s) {
    try {
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      throw new CommandLine.TypeConversionException(
          "'" + s + "' is not a date: expected YYYY-MM-DD");
    }
  }
}
