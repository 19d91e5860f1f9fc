package io.clout.common.events;

/**
 * Why a line, record or file went to quarantine ({@code rejected_events.reason}). Every code is
 * documented in docs/events.md; a code is never reused for another meaning.
 */
public enum Reason {
  /** The line is empty or only white space. */
  BLANK_LINE,
  /** The line is longer than {@code ingest.max-line-chars}. */
  LINE_TOO_LONG,
  /** The line's bytes are not valid UTF-8 (a stray byte, Latin-1 text, a cut sequence). */
  INVALID_UTF8,
  /** The line is not valid JSON (including a second value after the object). */
  MALFORMED_JSON,
  /** The line is valid JSON but not an object. */
  NOT_AN_OBJECT,
  /** A required field is absent, null or empty. */
  MISSING_FIELD,
  /** A field has the wrong JSON type (for example a number where a string is due). */
  WRONG_TYPE,
  /** A field is present that this event type must not have (a post with a target). */
  UNEXPECTED_FIELD,
  /**
   * An id field is longer than {@link ValidationRules#MAX_ID_CHARS}, only white space, or holds a
   * control character or an unpaired surrogate.
   */
  BAD_ID,
  /** {@code type} is not one of the contract's types. */
  UNKNOWN_TYPE,
  /** {@code network} is not in {@code ingest.networks}. */
  UNKNOWN_NETWORK,
  /** {@code occurred_at} is not ISO-8601 with an offset. */
  BAD_TIMESTAMP,
  /** {@code occurred_at} lies after the end of the partition day plus the allowed skew. */
  FUTURE_TIMESTAMP,
  /** {@code occurred_at} lies more than {@code ingest.max-age-days} before the partition day. */
  TOO_OLD,
  /** The actor engages with itself (same network and account). */
  SELF_ENGAGEMENT,
  /** Another line of the same partition has the same (network, event_id); the first is kept. */
  DUPLICATE_IN_BATCH,
  /** An earlier partition already delivered this (network, event_id). */
  DUPLICATE_EARLIER,
  /** The file has no lines (zero bytes, or a gzip file of nothing). */
  EMPTY_FILE,
  /**
   * The file cannot be read as UTF-8 JSON Lines: a truncated or corrupt gzip file, gzip data or
   * UTF-16 text under a plain name, an I/O error.
   */
  UNREADABLE_FILE,
  /** An identity record maps an account that another record already maps to another person. */
  IDENTITY_CONFLICT;

  /** Duplicates are counted apart from the other rejects in the run report. */
  public boolean isDuplicate() {
    return this == DUPLICATE_IN_BATCH || this == DUPLICATE_EARLIER;
  }
}
