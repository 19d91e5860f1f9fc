package io.clout.common.config;

import io.clout.common.scoring.ScoringParams;
import java.util.List;
import java.util.Map;

/**
 * All of Clout's settings, immutable once loaded by {@link ConfigLoader}. Keys are kebab-case in
 * files and on the command line ({@code ingest.max-age-days}); docs/configuration.md lists them.
 */
public record CloutConfig(
    Paths paths,
    Spark spark,
    Ingest ingest,
    ScoringParams scoring,
    Moments moments,
    Perks perks,
    Milestones milestones) {

  /**
   * @param raw root of the raw logs: a local folder or {@code s3a://bucket/prefix}
   * @param warehouse root of the Delta tables, one folder per table
   */
  public record Paths(String raw, String warehouse) {
    public Paths {
      require(raw != null && !raw.isBlank(), "paths.raw must be set (--raw)");
      require(
          warehouse != null && !warehouse.isBlank(), "paths.warehouse must be set (--warehouse)");
    }
  }

  /**
   * @param master Spark master URL; ignored under spark-submit, which sets its own
   * @param conf Spark settings passed through as they are ({@code --conf k=v})
   */
  public record Spark(String master, Map<String, String> conf) {
    public Spark {
      conf = conf == null ? Map.of() : Map.copyOf(conf);
    }
  }

  /**
   * @param networks accepted network names
   * @param maxLineChars longest accepted raw line, in characters
   * @param rawTextCap how much of a rejected line is kept in {@code rejected_events.raw_text}
   * @param maxAgeDays oldest accepted event, in days before the partition day (late data)
   * @param futureSkewHours allowed clock skew past the end of the partition day
   * @param maxRejectedFraction a run fails, writing nothing, when more of its lines are rejected
   * @param missingPartition what a day with no raw partition means: {@code fail} (the default: a
   *     missing delivery is an error) or {@code empty} (a day nobody engaged, as in sparse
   *     historical data)
   */
  public record Ingest(
      List<String> networks,
      int maxLineChars,
      int rawTextCap,
      int maxAgeDays,
      int futureSkewHours,
      double maxRejectedFraction,
      String missingPartition) {
    public static final String MISSING_FAIL = "fail";
    public static final String MISSING_EMPTY = "empty";

    public Ingest {
      networks = List.copyOf(networks);
      require(maxLineChars > 0, "ingest.max-line-chars must be positive");
      require(rawTextCap > 0, "ingest.raw-text-cap must be positive");
      require(maxAgeDays >= 0, "ingest.max-age-days must not be negative");
      require(futureSkewHours >= 0, "ingest.future-skew-hours must not be negative");
      require(
          maxRejectedFraction >= 0 && maxRejectedFraction <= 1,
          "ingest.max-rejected-fraction must be between 0 and 1");
      require(
          MISSING_FAIL.equals(missingPartition) || MISSING_EMPTY.equals(missingPartition),
          "ingest.missing-partition must be fail or empty");
    }

    /** Whether a day with no raw partition is ingested as a day with no lines. */
    public boolean missingPartitionIsEmpty() {
      return MISSING_EMPTY.equals(missingPartition);
    }
  }

  /**
   * Moments use the scoring window ({@code scoring.window-days}) and the day's scores.
   *
   * @param topK posts kept per person and day
   * @param unansweredMinScore an engager scoring at least this is an influencer to answer...
   * @param unansweredMargin ...or at least the person's own score plus this, whichever is larger
   */
  public record Moments(int topK, double unansweredMinScore, double unansweredMargin) {
    public Moments {
      require(topK >= 1, "moments.top-k must be at least 1");
    }
  }

  /**
   * @param catalog the perks catalog file (docs/perks.md); a relative path is read from the Clout
   *     home (the launcher's folder). Empty: no perks are offered.
   */
  public record Perks(String catalog) {
    public Perks {
      catalog = catalog == null ? "" : catalog.strip();
    }
  }

  /**
   * @param streakLengths consecutive active days that make a {@code streak} milestone; the shortest
   *     is also the least a streak must have lasted for its end to be a {@code streak_broken}
   *     milestone
   * @param momentSizes engagements on one post that make a {@code moment_size} milestone, the first
   *     time a person's post reaches each
   */
  public record Milestones(List<Integer> streakLengths, List<Long> momentSizes) {
    public Milestones {
      require(
          streakLengths != null && !streakLengths.isEmpty(),
          "milestones.streak-lengths must list at least one length");
      require(
          streakLengths.stream().allMatch(n -> n != null && n >= 2 && n <= 366),
          "milestones.streak-lengths must be from 2 to 366 days");
      require(
          momentSizes != null && momentSizes.stream().allMatch(n -> n != null && n >= 1),
          "milestones.moment-sizes must be positive");
      streakLengths = streakLengths.stream().distinct().sorted().toList();
      momentSizes = momentSizes.stream().distinct().sorted().toList();
    }

    /** The shortest streak that counts. */
    public int shortestStreak() {
      return streakLengths.get(0);
    }

    /** The longest streak length tracked: how many days back streaks are read. */
    public int longestStreak() {
      return streakLengths.get(streakLengths.size() - 1);
    }
  }

  static void require(boolean ok, String message) {
    if (!ok) {
      throw new ConfigException("Invalid configuration: " + message);
    }
  }
}
