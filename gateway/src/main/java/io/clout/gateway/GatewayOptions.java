package io.clout.gateway;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gateway's command line, validated: {@code --warehouse PATH [--host H] [--port N] [--conf
 * k=v]...}. {@code ./clout serve} builds it; it is not meant to be typed.
 *
 * @param warehouse the warehouse root whose {@code _catalog/catalog.json} names the tables
 * @param host the address to bind (default 127.0.0.1)
 * @param port the HiveServer2 port (default 10000)
 * @param conf Spark, Hadoop ({@code spark.hadoop.*}) and HiveServer2 ({@code hive.server2.*})
 *     settings
 */
public record GatewayOptions(String warehouse, String host, int port, Map<String, String> conf) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 10000;
  static final String AUTH_KEY = "hive.server2.authentication";

  /** HiveServer2 authentication modes that check who connects. */
  static final Set<String> AUTHENTICATING = Set.of("LDAP", "CUSTOM", "KERBEROS", "PAM");

  /** A usage or configuration error: a message, exit 2. */
  public static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message);
    }
  }

  public static GatewayOptions parse(List<String> args) {
    String warehouse = null;
    String host = DEFAULT_HOST;
    int port = DEFAULT_PORT;
    Map<String, String> conf = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      if (i + 1 >= args.size()) {
        throw new Invalid("Cannot start the gateway: " + flag + " needs a value");
      }
      String value = args.get(++i);
      switch (flag) {
        case "--warehouse" -> warehouse = value;
        case "--host" -> host = value;
        case "--port" -> {
          try {
            port = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            throw new Invalid("Cannot start the gateway: --port must be a number, got " + value);
          }
        }
        case "--conf" -> {
          int eq = value.indexOf('=');
          if (eq <= 0) {
            throw new Invalid("Cannot start the gateway: --conf wants k=v, got " + value);
          }
          conf.put(value.substring(0, eq), value.substring(eq + 1));
        }
        case "--conf-file" -> conf.putAll(readConfFile(value));
        default -> throw new Invalid("Cannot start the gateway: unknown option " + flag);
      }
    }
    if (warehouse == null) {
      throw new Invalid("Cannot start the gateway: --warehouse is required");
    }
    GatewayOptions options = new GatewayOptions(warehouse, host, port, Map.copyOf(conf));
    options.checkAuthentication();
    return options;
  }

  /**
   * Settings from a properties file, which is deleted once read: {@code ./clout serve} hands them
   * over this way so that no credential shows on the process's command line.
   */
  static Map<String, String> readConfFile(String file) {
    java.nio.file.Path path = java.nio.file.Path.of(file);
    java.util.Properties p = new java.util.Properties();
    try (java.io.Reader in = java.nio.file.Files.newBufferedReader(path)) {
      p.load(in);
    } catch (java.io.IOException e) {
      throw new Invalid("Cannot start the gateway: cannot read --conf-file " + file);
    }
    try {
      java.nio.file.Files.deleteIfExists(path);
    } catch (java.io.IOException e) {
      // The launcher also deletes it when it exits.
    }
    Map<String, String> conf = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> conf.put(k, p.getProperty(k)));
    return conf;
  }

  /** The HiveServer2 authentication mode configured (NONE by default). */
  public String authentication() {
    return conf.getOrDefault(AUTH_KEY, "NONE").toUpperCase();
  }

  /**
   * Loopback needs nothing; any other address needs an authentication mode that checks users, with
   * what that mode needs, or the gateway refuses to start.
   */
  void checkAuthentication() {
    if (isLoopback(host)) {
      return;
    }
    String auth = authentication();
    if (!AUTHENTICATING.contains(auth)) {
      throw new Invalid(
          "Cannot serve on "
              + host
              + " without authentication: hive.server2.authentication is "
              + auth
              + ". Bind to 127.0.0.1 (the default), or set --conf hive.server2.authentication=CUSTOM"
              + " --conf hive.server2.custom.authentication.class="
              + PasswordFileAuthenticator.class.getName()
              + " --conf "
              + PasswordFileAuthenticator.FILE_KEY
              + "=FILE (or LDAP with hive.server2.authentication.ldap.url); see docs/bi.md");
    }
    if (auth.equals("CUSTOM") && !conf.containsKey("hive.server2.custom.authentication.class")) {
      throw new Invalid(
          "Cannot serve on "
              + host
              + ": hive.server2.authentication=CUSTOM needs"
              + " hive.server2.custom.authentication.class");
    }
    if (auth.equals("LDAP") && !conf.containsKey("hive.server2.authentication.ldap.url")) {
      throw new Invalid(
          "Cannot serve on "
              + host
              + ": hive.server2.authentication=LDAP needs hive.server2.authentication.ldap.url");
    }
    if (conf.getOrDefault("hive.server2.custom.authentication.class", "")
            .equals(PasswordFileAuthenticator.class.getName())
        && !conf.containsKey(PasswordFileAuthenticator.FILE_KEY)) {
      throw new Invalid(
          "Cannot serve on "
              + host
              + ": "
              + PasswordFileAuthenticator.class.getSimpleName()
              + " needs "
              + PasswordFileAuthenticator.FILE_KEY);
    }
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new Invalid("Cannot serve on " + host + ": unknown host");
    }
  }
}
