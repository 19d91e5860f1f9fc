package io.clout.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed command-line words: the command, its named options ({@code --name value}), flags ({@code
 * --force}) and the repeatable {@code --set k=v} and {@code --conf k=v}. Positional arguments (the
 * SQL text of {@code clout sql}) are kept in order.
 */
public record CliArgs(
    String command,
    Map<String, String> options,
    Set<String> flags,
    Map<String, String> sets,
    Map<String, String> sparkConf,
    List<String> positional) {

  /** Options that take no value. */
  private static final Set<String> FLAGS = Set.of("force", "help", "quick", "sample");

  public static CliArgs parse(String... args) {
    String command = args.length == 0 ? "help" : args[0];
    Map<String, String> options = new LinkedHashMap<>();
    Map<String, String> sets = new LinkedHashMap<>();
    Map<String, String> conf = new LinkedHashMap<>();
    List<String> flags = new ArrayList<>();
    List<String> positional = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        positional.add(a);
        continue;
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq > 0 && !name.startsWith("set") && !name.startsWith("conf")) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (FLAGS.contains(name)) {
        flags.add(name);
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException("Cannot parse arguments: --" + name + " needs a value");
        }
        value = args[++i];
      }
      switch (name) {
        case "set" -> putPair(sets, "--set", value);
        case "conf" -> putPair(conf, "--conf", value);
        default -> options.put(name, value);
      }
    }
    return new CliArgs(command, options, Set.copyOf(flags), sets, conf, positional);
  }

  private static void putPair(Map<String, String> into, String option, String pair) {
    int eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new UsageException("Cannot parse " + option + " " + pair + ": expected key=value");
    }
    into.put(pair.substring(0, eq), pair.substring(eq + 1));
  }

  public String option(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  public String required(String name) {
    String v = options.get(name);
    if (v == null) {
      throw new UsageException("Cannot run '" + command + "': --" + name + " is required");
    }
    return v;
  }

  public boolean flag(String name) {
    return flags.contains(name);
  }

  /** Fails on an option the command does not know, naming it. */
  public CliArgs allow(String... names) {
    Set<String> known = Set.of(names);
    for (String o : options.keySet()) {
      if (!known.contains(o)) {
        throw new UsageException(
            "Unknown option --" + o + " for '" + command + "' (see ./clout help)");
      }
    }
    return this;
  }

  /** A mistake in how a command was called; printed without a stack trace. */
  public static class UsageException extends RuntimeException {
    public UsageException(String message) {
      super(message);
    }
  }
}
