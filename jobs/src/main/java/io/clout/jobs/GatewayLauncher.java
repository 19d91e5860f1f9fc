package io.clout.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of the JDBC gateway's JVM ({@code gateway/}, Spark 3.5 on Scala 2.12): its own
 * classpath ({@code gateway/target/classpath.txt}, written by the gateway's build), the JVM flags
 * of {@code pom.xml}'s {@code clout.jvm.flags}, and the warehouse, address and settings to serve.
 * {@code ./clout serve} and the tests start it the same way.
 */
public final class GatewayLauncher {
  /** The gateway's heap, unless {@code CLOUT_GATEWAY_HEAP} says otherwise. */
  public static final String DEFAULT_HEAP = "2g";

  private GatewayLauncher() {}

  /** The java command that starts the gateway. */
  public static List<String> command(
      Path home, String warehouse, String host, int port, Map<String, String> conf) {
    Path target = home.resolve("gateway").resolve("target");
    Path classpath = target.resolve("classpath.txt");
    Path jar = target.resolve("clout-gateway-0.1.0-SNAPSHOT.jar");
    if (!Files.exists(classpath) || !Files.exists(jar)) {
      throw new CloutException(
          "Cannot start the JDBC gateway: it is not built ("
              + classpath
              + "); ./clout serve builds it, or run mvn -B -DskipTests -pl gateway package");
    }
    List<String> c = new ArrayList<>();
    c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    c.add("-Xmx" + System.getenv().getOrDefault("CLOUT_GATEWAY_HEAP", DEFAULT_HEAP));
    c.addAll(jvmFlags(home));
    try {
      c.add("-cp");
      c.add(jar + java.io.File.pathSeparator + Files.readString(classpath).strip());
    } catch (IOException e) {
      throw new CloutException("Cannot read " + classpath + ": " + e.getMessage(), e);
    }
    c.add("io.clout.gateway.Gateway");
    c.addAll(List.of("--warehouse", warehouse, "--host", host, "--port", String.valueOf(port)));
    if (!conf.isEmpty()) {
      c.add("--conf-file");
      c.add(confFile(conf).toString());
    }
    return c;
  }

  /**
   * The settings in a file only this user can read, which the gateway deletes once read: on the
   * command line, {@code ps} would show any credential among them to every user of the machine.
   */
  static Path confFile(Map<String, String> conf) {
    try {
      Path file =
          Files.createTempFile(
              "clout-gateway-",
              ".properties",
              java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                  java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      file.toFile().deleteOnExit();
      java.util.Properties p = new java.util.Properties();
      p.putAll(conf);
      try (var out = Files.newBufferedWriter(file)) {
        p.store(out, "clout serve: read and deleted by the gateway");
      }
      return file;
    } catch (IOException e) {
      throw new CloutException("Cannot hand the settings to the gateway: " + e.getMessage(), e);
    }
  }

  /** The {@code clout.jvm.flags} of the parent pom, as the launcher reads them. */
  static List<String> jvmFlags(Path home) {
    try {
      Matcher m =
          Pattern.compile("<clout.jvm.flags>(.*)</clout.jvm.flags>")
              .matcher(Files.readString(home.resolve("pom.xml")));
      return m.find() ? List.of(m.group(1).trim().split("\\s+")) : List.of();
    } catch (IOException e) {
      throw new CloutException("Cannot read " + home.resolve("pom.xml") + ": " + e.getMessage(), e);
    }
  }
}
