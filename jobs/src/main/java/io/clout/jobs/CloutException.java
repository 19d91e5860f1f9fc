package io.clout.jobs;

/** A failure the user can act on; the launcher prints its message without a stack trace. */
public class CloutException extends RuntimeException {
  public CloutException(String message) {
    super(message);
  }

  public CloutException(String message, Throwable cause) {
    super(message, cause);
  }
}
