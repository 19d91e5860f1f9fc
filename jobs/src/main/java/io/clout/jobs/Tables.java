package io.clout.jobs;

import io.clout.common.config.CloutConfig;
import java.util.List;

/**
 * The Delta tables Clout writes, each a folder under {@code paths.warehouse}. docs/tables.md
 * documents their columns.
 */
public final class Tables {
  public static final String ENGAGEMENTS = "engagements";
  public static final String REJECTED_EVENTS = "rejected_events";
  public static final String IDENTITIES = "identities";
  public static final String SCORES = "scores";
  public static final String SCORE_DRIVERS = "score_drivers";
  public static final String CURRENT_SCORES = "current_scores";
  public static final String MOMENTS = "moments";
  public static final String OUTREACH = "outreach";
  public static final String UNANSWERED_INFLUENCERS = "unanswered_influencers";
  public static final String ENGAGEMENT_BREAKDOWN = "engagement_breakdown";

  /** Every table, in the order a day writes them. */
  public static final List<String> ALL =
      List.of(
          REJECTED_EVENTS,
          IDENTITIES,
          ENGAGEMENTS,
          SCORE_DRIVERS,
          SCORES,
          CURRENT_SCORES,
          MOMENTS,
          OUTREACH,
          UNANSWERED_INFLUENCERS,
          ENGAGEMENT_BREAKDOWN);

  private Tables() {}

  public static String path(CloutConfig config, String table) {
    return stripSlash(config.paths().warehouse()) + "/" + table;
  }

  /** Where run reports go: {@code <warehouse>/_reports/<job>/<date>.json}. */
  public static String reportPath(CloutConfig config, String job, String date) {
    return stripSlash(config.paths().warehouse()) + "/_reports/" + job + "/" + date + ".json";
  }

  /** A root path without its trailing slash, for joining with folder names. */
  public static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
