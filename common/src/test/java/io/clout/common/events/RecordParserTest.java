package io.clout.common.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecordParserTest {
  static final ValidationRules RULES =
      new ValidationRules(Set.of("twitter", "facebook"), 300, 30, 1);
  static final RecordParser PARSER = new RecordParser(RULES, LocalDate.parse("2026-01-10"));

  static String line(String overrides) {
    String base =
        "\"event_id\":\"e1\",\"network\":\"twitter\",\"type\":\"like\",\"actor_id\":\"a\","
            + "\"target_id\":\"b\",\"post_id\":\"p1\",\"occurred_at\":\"2026-01-10T12:00:00+02:00\"";
    return "{" + base + (overrides.isEmpty() ? "" : "," + overrides) + "}";
  }

  @Test
  void acceptsAValidEventAndNormalisesTheOffsetToAnInstant() {
    Parsed<Event> p = PARSER.parseEvent(line("\"text\":\"hi\""));
    assertThat(p.isOk()).isTrue();
    assertThat(p.value().occurredAt()).isEqualTo(Instant.parse("2026-01-10T10:00:00Z"));
    assertThat(p.value().type()).isEqualTo(EventType.LIKE);
    assertThat(p.value().text()).isEqualTo("hi");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "malformed json           | {\"event_id\":\"e1\",                                   | MALFORMED_JSON",
        "not an object            | [1,2]                                                   | NOT_AN_OBJECT",
        "blank                    | '   '                                                   | BLANK_LINE",
        "missing actor            | {\"event_id\":\"e1\",\"network\":\"twitter\",\"type\":\"post\",\"post_id\":\"p\",\"occurred_at\":\"2026-01-10T00:00:00Z\"} | MISSING_FIELD",
      })
  void rejectsShapes(String name, String text, Reason reason) {
    assertThat(PARSER.parseEvent(text).reason()).isEqualTo(reason);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "number id          | \"event_id\":7                              | WRONG_TYPE       | event_id",
        "null actor         | \"actor_id\":null                           | MISSING_FIELD    | actor_id",
        "object target      | \"target_id\":{}                            | WRONG_TYPE       | target_id",
        "unknown type       | \"type\":\"poke\"                           | UNKNOWN_TYPE     | poke",
        "unknown network    | \"network\":\"myspace\"                     | UNKNOWN_NETWORK  | myspace",
        "no offset          | \"occurred_at\":\"2026-01-10T12:00:00\"     | BAD_TIMESTAMP    | occurred_at",
        "not a time         | \"occurred_at\":\"yesterday\"               | BAD_TIMESTAMP    | yesterday",
        "future             | \"occurred_at\":\"2026-01-11T01:00:00Z\"    | FUTURE_TIMESTAMP | 2026-01-11T01:00:00Z",
        "too old            | \"occurred_at\":\"2025-12-10T23:59:59Z\"    | TOO_OLD          | 2025-12-10T23:59:59Z",
        "self engagement    | \"target_id\":\"a\"                         | SELF_ENGAGEMENT  | 'a'",
        "post with target   | \"type\":\"post\"                           | UNEXPECTED_FIELD | target_id",
        "share without post | \"type\":\"share\",\"post_id\":null         | MISSING_FIELD    | post_id",
      })
  void rejectsWithTheReasonAndSaysWhich(
      String name, String override, Reason reason, String detail) {
    // Later keys win in Jackson, so an override replaces the base field.
    Parsed<Event> p = PARSER.parseEvent(line(override));
    assertThat(p.reason()).isEqualTo(reason);
    assertThat(p.detail()).contains(detail);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "white-space id      | \"event_id\":\"  \"                | event_id is only white space",
        "NUL in id           | \"event_id\":\"e\\u0000\"          | event_id has a control character U+0000 at index 1",
        "newline in actor    | \"actor_id\":\"a\\nb\"             | actor_id has a control character U+000A at index 1",
        "C1 control in post  | \"post_id\":\"p\\u0085\"           | post_id has a control character U+0085 at index 1",
        "lone high surrogate | \"target_id\":\"b\\ud800\"         | target_id has an unpaired surrogate U+D800 at index 1",
        "pair the wrong way  | \"reply_to_id\":\"\\udc00\\ud800\" | reply_to_id has an unpaired surrogate U+DC00 at index 0",
      })
  void rejectsIdsThatCannotBeKeys(String name, String override, String detail) {
    Parsed<Event> p = PARSER.parseEvent(line(override));
    assertThat(p.reason()).isEqualTo(Reason.BAD_ID);
    assertThat(p.detail()).isEqualTo(detail);
  }

  @Test
  void anIdMayBeAsLongAsTheLimitAndHoldAnyCharacterButControlsAndLoneSurrogates() {
    RecordParser roomy =
        new RecordParser(
            new ValidationRules(Set.of("twitter"), 10_000, 30, 1), LocalDate.parse("2026-01-10"));
    String longest = "x".repeat(ValidationRules.MAX_ID_CHARS);
    assertThat(roomy.parseEvent(line("\"event_id\":\"" + longest + "\"")).value().eventId())
        .isEqualTo(longest);
    Parsed<Event> tooLong = roomy.parseEvent(line("\"event_id\":\"" + longest + "y\""));
    assertThat(tooLong.reason()).isEqualTo(Reason.BAD_ID);
    assertThat(tooLong.detail()).isEqualTo("event_id is 257 chars, more than 256");
    // An emoji is a well-formed surrogate pair; an inner space is allowed.
    assertThat(PARSER.parseEvent(line("\"actor_id\":\"\uD83D\uDE00 x\"")).value().actorId())
        .isEqualTo("\uD83D\uDE00 x");
  }

  @Test
  void aSecondValueAfterTheObjectIsMalformedNotIgnored() {
    // Jackson's default reads the first value and drops the rest of the line.
    assertThat(PARSER.parseEvent(line("") + line("\"event_id\":\"e2\"")).reason())
        .isEqualTo(Reason.MALFORMED_JSON);
    assertThat(PARSER.parseEvent(line("") + " x").reason()).isEqualTo(Reason.MALFORMED_JSON);
    assertThat(PARSER.parseEvent(line("") + " \t ").isOk()).isTrue();
  }

  @Test
  void timestampBoundsAreInclusiveWhereTheContractSaysSo() {
    // The skew allows one hour past the end of the partition day; the bound itself is out.
    assertThat(PARSER.parseEvent(line("\"occurred_at\":\"2026-01-11T00:59:59Z\"")).isOk()).isTrue();
    assertThat(PARSER.parseEvent(line("\"occurred_at\":\"2026-01-11T01:00:00Z\"")).reason())
        .isEqualTo(Reason.FUTURE_TIMESTAMP);
    assertThat(PARSER.parseEvent(line("\"occurred_at\":\"2025-12-11T00:00:00Z\"")).isOk()).isTrue();
  }

  @Test
  void mentionAndFollowNeedNoPost() {
    assertThat(PARSER.parseEvent(line("\"type\":\"follow\",\"post_id\":null")).isOk()).isTrue();
    assertThat(PARSER.parseEvent(line("\"type\":\"mention\",\"post_id\":null")).isOk()).isTrue();
  }

  @Test
  void overLongLinesAreRejectedBeforeParsing() {
    Parsed<Event> p = PARSER.parseEvent(line("\"text\":\"" + "x".repeat(400) + "\""));
    assertThat(p.reason()).isEqualTo(Reason.LINE_TOO_LONG);
  }

  @Test
  void identities() {
    assertThat(
            PARSER
                .parseIdentity(
                    "{\"person_id\":\"p1\",\"network\":\"twitter\",\"account_id\":\"t1\"}")
                .value())
        .isEqualTo(new Identity("p1", "twitter", "t1"));
    assertThat(PARSER.parseIdentity("{\"person_id\":\"p1\",\"network\":\"twitter\"}").reason())
        .isEqualTo(Reason.MISSING_FIELD);
    assertThat(
            PARSER
                .parseIdentity("{\"person_id\":1,\"network\":\"twitter\",\"account_id\":\"t1\"}")
                .reason())
        .isEqualTo(Reason.WRONG_TYPE);
    Parsed<Identity> badAccount =
        PARSER.parseIdentity(
            "{\"person_id\":\"p1\",\"network\":\"twitter\",\"account_id\":\"t\\u0001\"}");
    assertThat(badAccount.reason()).isEqualTo(Reason.BAD_ID);
    assertThat(badAccount.detail())
        .isEqualTo("account_id has a control character U+0001 at index 1");
  }
}
