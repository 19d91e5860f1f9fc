package io.clout.it;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@code clout} in a JVM of its own, with this test JVM's flags and classes.
 */
final class CloutJvm {
  private CloutJvm() {}

  /**
   * {@code java <this JVM's --add-opens, -XX and -D flags> -Xmx<heap> <jvmOptions> -cp <classpath>
   * io.clout.jobs.Main <args>}.
   */
  static List<String> command(String heap, List<String> jvmOptions, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(
                a ->
                    a.startsWith("--add-opens")
                        || a.startsWith("-XX:")
                        || a.startsWith("-D") && !a.startsWith("-Dsurefire"))
            .toList());
    command.add("-Xmx" + heap);
    command.add("-Dclout.home=" + System.getProperty("clout.repo.root"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.clout.jobs.Main"));
    command.addAll(args);
    return command;
  }
}
