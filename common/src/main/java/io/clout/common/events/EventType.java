package io.clout.common.events;

import java.util.Locale;
import java.util.Optional;

/** The kinds of engagement event in the raw contract (docs/events.md). */
public enum EventType {
  POST,
  LIKE,
  COMMENT,
  REPLY,
  SHARE,
  MENTION,
  FOLLOW;

  /** The lower-case name used in the raw logs and the tables. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the wire name; case matters, as in the contract. */
  public static Optional<EventType> fromWire(String s) {
    for (EventType t : values()) {
      if (t.wire().equals(s)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** Whether the event needs a target account (everything but a post). */
  public boolean hasTarget() {
    return this != POST;
  }

  /** Whether the event must name a post: everything but a mention (optional) and a follow. */
  public boolean requiresPost() {
    return this != MENTION && this != FOLLOW;
  }
}
