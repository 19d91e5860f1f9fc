package io.clout.common.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Validates raw JSON lines against the event and identity contracts. Pure and thread-safe; Spark
 * calls it on executors. Jackson is used rather than Spark's JSON reader because Spark coerces a
 * number into a string column silently, and the contract wants {@link Reason#WRONG_TYPE} for it.
 */
public final class RecordParser {
  // Without FAIL_ON_TRAILING_TOKENS Jackson reads the first value of a line and ignores the rest,
  // so two events run together on one line would lose the second without a trace.
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final ValidationRules rules;
  private final Instant futureBound;
  private final Instant oldBound;

  public RecordParser(ValidationRules rules, LocalDate partitionDate) {
    this.rules = rules;
    this.futureBound = rules.futureBound(partitionDate);
    this.oldBound = rules.oldBound(partitionDate);
  }

  /** Parses one engagement line; checks run in the order the reason codes are documented. */
  public Parsed<Event> parseEvent(String line) {
    Parsed<JsonNode> obj = parseObject(line);
    if (!obj.isOk()) {
      return Parsed.reject(obj.reason(), obj.detail());
    }
    Fields f = new Fields(obj.value());
    String eventId = f.id(f.required("event_id"), "event_id");
    String network = f.required("network");
    String typeName = f.required("type");
    String actorId = f.id(f.required("actor_id"), "actor_id");
    String occurred = f.required("occurred_at");
    String targetId = f.id(f.optional("target_id"), "target_id");
    String postId = f.id(f.optional("post_id"), "post_id");
    String text = f.optional("text");
    String replyToId = f.id(f.optional("reply_to_id"), "reply_to_id");
    if (f.problem != null) {
      return Parsed.reject(f.problem, f.problemDetail);
    }
    EventType type = EventType.fromWire(typeName).orElse(null);
    if (type == null) {
      return Parsed.reject(Reason.UNKNOWN_TYPE, "type '" + typeName + "'");
    }
    if (!rules.networks().contains(network)) {
      return Parsed.reject(Reason.UNKNOWN_NETWORK, "network '" + network + "'");
    }
    if (type.hasTarget() && targetId == null) {
      return Parsed.reject(Reason.MISSING_FIELD, "target_id (required for " + typeName + ")");
    }
    if (!type.hasTarget() && targetId != null) {
      return Parsed.reject(Reason.UNEXPECTED_FIELD, "target_id (a post has no target)");
    }
    if (type.requiresPost() && postId == null) {
      return Parsed.reject(Reason.MISSING_FIELD, "post_id (required for " + typeName + ")");
    }
    Instant at;
    try {
      at = Timestamps.parse(occurred);
    } catch (DateTimeParseException e) {
      return Parsed.reject(Reason.BAD_TIMESTAMP, "occurred_at '" + occurred + "'");
    }
    if (!at.isBefore(futureBound)) {
      return Parsed.reject(Reason.FUTURE_TIMESTAMP, "occurred_at " + at + " >= " + futureBound);
    }
    if (at.isBefore(oldBound)) {
      return Parsed.reject(Reason.TOO_OLD, "occurred_at " + at + " < " + oldBound);
    }
    if (actorId.equals(targetId)) {
      return Parsed.reject(Reason.SELF_ENGAGEMENT, "actor_id = target_id = '" + actorId + "'");
    }
    return Parsed.ok(
        new Event(network, eventId, type, actorId, targetId, postId, at, text, replyToId));
  }

  /** Parses one identity line ({@code person_id}, {@code network}, {@code account_id}). */
  public Parsed<Identity> parseIdentity(String line) {
    Parsed<JsonNode> obj = parseObject(line);
    if (!obj.isOk()) {
      return Parsed.reject(obj.reason(), obj.detail());
    }
    Fields f = new Fields(obj.value());
    String personId = f.id(f.required("person_id"), "person_id");
    String network = f.required("network");
    String accountId = f.id(f.required("account_id"), "account_id");
    if (f.problem != null) {
      return Parsed.reject(f.problem, f.problemDetail);
    }
    if (!rules.networks().contains(network)) {
      return Parsed.reject(Reason.UNKNOWN_NETWORK, "network '" + network + "'");
    }
    return Parsed.ok(new Identity(personId, network, accountId));
  }

  private Parsed<JsonNode> parseObject(String line) {
    if (line.length() > rules.maxLineChars()) {
      return Parsed.reject(
          Reason.LINE_TOO_LONG,
          line.length() + " chars > ingest.max-line-chars " + rules.maxLineChars());
    }
    if (line.isBlank()) {
      return Parsed.reject(Reason.BLANK_LINE, "empty line");
    }
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      return Parsed.reject(Reason.MALFORMED_JSON, e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      return Parsed.reject(
          Reason.NOT_AN_OBJECT, "a JSON " + (node == null ? "nothing" : node.getNodeType()));
    }
    return Parsed.ok(node);
  }

  /**
   * What makes {@code id} unusable as a key, or null: more than {@link
   * ValidationRules#MAX_ID_CHARS} characters, only white space, a control character, or an unpaired
   * surrogate (an escaped half of a UTF-16 pair, which Spark would store as {@code ?}).
   */
  static String idProblem(String id) {
    if (id.length() > ValidationRules.MAX_ID_CHARS) {
      return "is " + id.length() + " chars, more than " + ValidationRules.MAX_ID_CHARS;
    }
    if (id.isBlank()) {
      return "is only white space";
    }
    for (int i = 0; i < id.length(); ) {
      // A well-formed pair is one code point (an emoji, say); a lone half is a code point of its
      // own of type SURROGATE.
      int c = id.codePointAt(i);
      if (Character.isISOControl(c)) {
        return String.format("has a control character U+%04X at index %d", c, i);
      }
      if (Character.getType(c) == Character.SURROGATE) {
        return String.format("has an unpaired surrogate U+%04X at index %d", c, i);
      }
      i += Character.charCount(c);
    }
    return null;
  }

  /** Reads string fields, remembering the first problem met. */
  private static final class Fields {
    private final JsonNode node;
    Reason problem;
    String problemDetail;

    Fields(JsonNode node) {
      this.node = node;
    }

    String required(String name) {
      String v = optional(name);
      if (v == null) {
        fail(Reason.MISSING_FIELD, name);
      }
      return v;
    }

    String optional(String name) {
      JsonNode v = node.get(name);
      if (v == null || v.isNull()) {
        return null;
      }
      if (!v.isTextual()) {
        fail(
            Reason.WRONG_TYPE,
            name + " is a " + v.getNodeType().name().toLowerCase() + ", not a string");
        return null;
      }
      return v.asText().isEmpty() ? null : v.asText();
    }

    /** Checks an id read by {@link #required} or {@link #optional}; returns it unchanged. */
    String id(String value, String name) {
      String problem = value == null ? null : idProblem(value);
      if (problem != null) {
        fail(Reason.BAD_ID, name + " " + problem);
      }
      return value;
    }

    private void fail(Reason reason, String detail) {
      if (problem == null) {
        problem = reason;
        problemDetail = detail;
      }
    }
  }
}
