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
    private static final java.util.regex.Pattern URI_USER_INFO =
        java.util.regex.Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@");
    private static final java.util.regex.Pattern PERCENT_ASCII =
        java.util.regex.Pattern.compile("%([0-7][0-9A-Fa-f])");

    public Paths {
      require(raw != null && !raw.isBlank(), "paths.raw must be set (--raw)");
      require(
          warehouse != null && !warehouse.isBlank(), "paths.warehouse must be set (--warehouse)");
      require(refusal(raw) == null, "paths.raw: " + refusal(raw));
      require(refusal(warehouse) == null, "paths.warehouse: " + refusal(warehouse));
    }

    /**
     * Why {@code path} is refused as a path setting or argument, or null when it is not. Refused: a
     * {@code ..} segment, also percent-encoded ({@code %2e%2e}) or between backslashes, since a
     * job's writes must stay under the root it was given; control characters (NUL among them); and
     * credentials in a URI ({@code s3a://key:secret@bucket}), which every message and report would
     * repeat. Absolute and relative paths and {@code s3a://bucket/prefix} URIs are fine. The
     * message shows the value with control characters escaped and credentials masked.
     */
    public static String refusal(String path) {
      java.util.regex.Matcher userInfo = URI_USER_INFO.matcher(path);
      if (userInfo.find()) {
        return "credentials in a URI are not allowed, s3a takes them from the AWS provider chain: "
            + userInfo.replaceFirst("$1***@");
      }
      // Decoded a few times over, so %252e (an encoded %2e) is seen as the dot it becomes.
      String decoded = path;
      for (int i = 0; i < 3 && decoded.contains("%"); i++) {
        decoded = PERCENT_ASCII.matcher(decoded).replaceAll(m -> percentDecoded(m.group(1)));
      }
      if (decoded.chars().anyMatch(Character::isISOControl)) {
        return "control characters are not allowed: " + shown(path);
      }
      for (String segment : decoded.split("[/\\\\]", -1)) {
        if (segment.equals("..")) {
          return "'..' segments are not allowed: " + shown(path);
        }
      }
      return null;
    }

    private static String percentDecoded(String hex) {
      return java.util.regex.Matcher.quoteReplacement(
          String.valueOf((char) Integer.parseInt(hex, 16)));
    }

    /** The value as a message may show it, control characters escaped. */
    private static String shown(String path) {
      StringBuilder b = new StringBuilder();
      path.chars()
          .forEach(
              c -> b.append(Character.isISOControl(c) ? String.format("\\u%04x", c) : (char) c));
      return b.toString();
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
   * @param maxEngagers engagers listed per moment, highest score first ({@code distinct_engagers}
   *     still counts them all): a post with a million engagers must not make a row of a million
   */
  public record Moments(
      int topK, double unansweredMinScore, double unansweredMargin, int maxEngagers) {
    public Moments {
      require(topK >= 1, "moments.top-k must be at least 1");
      require(maxEngagers >= 1, "moments.max-engagers must be at least 1");
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
