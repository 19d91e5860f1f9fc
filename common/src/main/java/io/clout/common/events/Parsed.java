package io.clout.common.events;

/**
 * The outcome of parsing one raw line: either a value, or the reason it was rejected with a
 * human-readable detail (which field, which value).
 */
public record Parsed<T>(T value, Reason reason, String detail) {

  public static <T> Parsed<T> ok(T value) {
    return new Parsed<>(value, null, null);
  }

  public static <T> Parsed<T> reject(Reason reason, String detail) {
    return new Parsed<>(null, reason, detail);
  }

  public boolean isOk() {
    return reason == null;
  }
}
