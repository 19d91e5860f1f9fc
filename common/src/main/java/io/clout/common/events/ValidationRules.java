package io.clout.common.events;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Set;

/**
 * What makes a line acceptable for the partition of {@code partitionDate}. Timestamps are judged
 * against the partition day, never against the clock, so a rerun judges a line the same way.
 *
 * @param networks accepted network names ({@code ingest.networks})
 * @param maxLineChars longest accepted line ({@code ingest.max-line-chars})
 * @param maxAgeDays how many days before the partition day an event may have occurred ({@code
 *     ingest.max-age-days})
 * @param futureSkewHours how far past the end of the partition day an event may be stamped, to
 *     allow for clock skew ({@code ingest.future-skew-hours})
 */
public record ValidationRules(
    Set<String> networks, int maxLineChars, int maxAgeDays, int futureSkewHours)
    implements java.io.Serializable {

  /**
   * Longest accepted id ({@code event_id}, account, post and person ids), in characters; a longer
   * one is {@link Reason#BAD_ID}. Ids are keys that every later job joins and groups on, and real
   * ones are far shorter.
   */
  public static final int MAX_ID_CHARS = 256;

  /** Events at or after this instant are {@link Reason#FUTURE_TIMESTAMP}. */
  public Instant futureBound(LocalDate partitionDate) {
    return partitionDate
        .plusDays(1)
        .atStartOfDay()
        .toInstant(ZoneOffset.UTC)
        .plusSeconds(futureSkewHours * 3600L);
  }

  /** Events before this instant are {@link Reason#TOO_OLD}. */
  public Instant oldBound(LocalDate partitionDate) {
    return partitionDate.minusDays(maxAgeDays).atStartOfDay().toInstant(ZoneOffset.UTC);
  }
}
