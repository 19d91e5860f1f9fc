package io.clout.common.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {
  /** What the formatter says: the instant, or "error". */
  static String reference(String s) {
    try {
      return OffsetDateTime.parse(s).toInstant().toString();
    } catch (DateTimeParseException e) {
      return "error";
    }
  }

  static String ours(String s) {
    try {
      return Timestamps.parse(s).toString();
    } catch (DateTimeParseException e) {
      return "error";
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-01-10T12:00:00+02:00",
        "2026-01-10T12:00:00Z",
        "2026-01-10T12:00:00.5Z",
        "2026-01-10T12:00:00.123456789-05:30",
        "2024-02-29T23:59:59Z",
        "2025-02-29T10:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-01-10T24:00:00Z",
        "2026-01-10T12:60:00Z",
        "2026-01-10T12:00:60Z",
        "2026-01-10T12:00Z",
        "2026-01-10t12:00:00z",
        "2026-01-10T12:00:00+18:00",
        "2026-01-10T12:00:00+18:01",
        "2026-01-10T12:00:00+19:00",
        "2026-01-10T12:00:00-00:00",
        "2026-01-10T12:00:00+0200",
        "2026-01-10T12:00:00+02:00:30",
        "2026-01-10T12:00:00.Z",
        "2026-01-10T12:00:00.1234567891Z",
        "2026-01-10 12:00:00Z",
        "2026-01-10T12:00:00",
        "yesterday",
        "+12026-01-10T12:00:00Z",
        "2026-1-10T12:00:00Z",
        "2026-01-10T12:00:00ZZ",
        "2026-01-10T1a:00:00Z",
        "2026-01-10T12:00:00+2:00"
      })
  void agreesWithTheFormatter(String s) {
    assertThat(ours(s)).isEqualTo(reference(s));
  }

  @Test
  void readsTheCommonShapeByHandAndAgreesOnRandomInput() {
    Random rnd = new Random(7);
    int byHand = 0;
    for (int i = 0; i < 20_000; i++) {
      String s =
          String.format(
              "%04d-%02d-%02dT%02d:%02d:%02d%s%s",
              rnd.nextInt(3000),
              rnd.nextInt(14),
              rnd.nextInt(33),
              rnd.nextInt(26),
              rnd.nextInt(62),
              rnd.nextInt(62),
              rnd.nextBoolean()
                  ? ""
                  : "." + Long.toString(Math.abs(rnd.nextLong())).substring(0, 1 + rnd.nextInt(9)),
              rnd.nextBoolean()
                  ? "Z"
                  : String.format(
                      "%s%02d:%02d",
                      rnd.nextBoolean() ? "+" : "-", rnd.nextInt(20), rnd.nextInt(61)));
      if (rnd.nextInt(10) == 0) {
        int at = rnd.nextInt(s.length());
        s = s.substring(0, at) + "x0:T.+-Z".charAt(rnd.nextInt(8)) + s.substring(at + 1);
      }
      assertThat(ours(s)).as(s).isEqualTo(reference(s));
      byHand += Timestamps.common(s) != null ? 1 : 0;
    }
    assertThat(byHand).as("strings read without the formatter").isGreaterThan(5_000);
  }

  @Test
  void keepsFractionsAndOffsets() {
    assertThat(Timestamps.common("2026-01-10T12:00:00.000000001+01:00"))
        .isEqualTo(Instant.parse("2026-01-10T11:00:00.000000001Z"));
  }
}
