package io.clout.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import javax.security.sasl.AuthenticationException;
import org.apache.hadoop.conf.Configurable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hive.service.auth.PasswdAuthenticationProvider;

/**
 * Username and password checks for the gateway ({@code hive.server2.authentication=CUSTOM}) from a
 * file of {@code user:sha256hex(password)} lines, named by {@value #FILE_KEY}. For a team without
 * LDAP; with LDAP, set {@code hive.server2.authentication=LDAP} and its URL instead (docs/bi.md).
 */
public final class PasswordFileAuthenticator implements PasswdAuthenticationProvider, Configurable {
  /** The setting that names the password file. */
  public static final String FILE_KEY = "clout.gateway.password-file";

  private Configuration conf;

  @Override
  public void setConf(Configuration conf) {
    this.conf = conf;
  }

  @Override
  public Configuration getConf() {
    return conf;
  }

  /** The SHA-256 of a password, as the file holds it. */
  public static String hash(String password) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(password.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, String> read(Path file) throws IOException {
    Map<String, String> users = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int colon = l.indexOf(':');
      if (colon <= 0) {
        throw new IOException(file + ": a line is not user:sha256hex");
      }
      users.put(l.substring(0, colon), l.substring(colon + 1).toLowerCase());
    }
    return users;
  }

  @Override
  public void Authenticate(String user, String password) throws AuthenticationException {
    // HiveServer2 hands over a fresh HiveConf, which holds Hive's own settings only; the gateway
    // sets its settings as system properties too.
    String file = conf == null ? null : conf.get(FILE_KEY);
    if (file == null) {
      file = System.getProperty(FILE_KEY);
    }
    if (file == null) {
      throw new AuthenticationException("No password file: set " + FILE_KEY);
    }
    try {
      String expected = read(Path.of(file)).get(user);
      if (expected == null
          || password == null
          || !MessageDigest.isEqual(
              expected.getBytes(StandardCharsets.UTF_8),
              hash(password).getBytes(StandardCharsets.UTF_8))) {
        throw new AuthenticationException("Wrong user name or password for " + user);
      }
    } catch (IOException e) {
      throw new AuthenticationException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
