package io.clout.common.config;

/** A configuration problem the user can fix; its message names the key or file. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
