package io.clout.common.scoring;

import io.clout.common.events.EventType;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * The influence model's parameters, the {@code scoring.*} keys; docs/scoring.md gives the formulas
 * they enter.
 *
 * @param modelVersion written with every score so a change of model is visible in the history
 * @param windowDays trailing window of engagements, in days, the scoring day included
 * @param halfLifeDays age at which an engagement weighs half
 * @param typeWeights weight of one engagement per type (post has none)
 * @param pairDayCap most weight one person can give another in one day: c(1 - e^(-s/c))
 * @param mutualThreshold mutual weight between two people above which it is discounted
 * @param mutualPenalty share (0-1) of the mutual weight above the threshold that is discounted
 * @param outputReferencePosts posts in the window up to which reactions count in full
 * @param outputExponent how fast reactions count less past that output: (posts/ref)^-exponent
 * @param outreachWeight most raw influence a person earns by engaging with others
 * @param outreachReference given weight at which that bonus reaches 63% of its maximum
 * @param damping share of rank that flows along edges (PageRank's d)
 * @param tolerance propagation stops when the mean absolute rank change falls below it
 * @param maxIterations propagation stops after this many iterations at most
 * @param checkpointEvery iterations between lineage cuts on the distributed path
 * @param localMaxEdges graphs up to this many edges propagate in memory on one executor
 * @param calibrationBase score of a person with only the teleport rank (1 - d)
 * @param calibrationPointsPerDecade points per tenfold raw influence
 * @param maxDailyDrop most points a score can fall in one day
 * @param inactivityDrop points a score falls at least on a day the person does nothing
 * @param driversPerPerson how many engagers and posts score_drivers keeps per person and day
 * @param propagation {@code pagerank} (clout-1: iterate r = (1-d) + d * sum p r to convergence) or
 *     {@code two-hop} (clout-2: the first-order votes plus one damped relay, no loop)
 * @param voteFloor an engager's transition weights are divided by max(vote-floor, its total
 *     weight): one engagement is at most 1/vote-floor of a vote (0: clout-1's plain share)
 * @param secondHopWeight two-hop only: the share of an engager's own first-order rank it relays
 * @param softTopFrom above this many points the scale bends towards 100 without reaching it (100: a
 *     plain clamp at 100)
 * @param engagedCountsAsActive whether being engaged with on a day counts as activity for the idle
 *     rule (clout-2), or only acting does (clout-1)
 * @param calibrationUnit the scale's unit of influence above the teleport rank: with u &gt; 0 the
 *     scale is base + points-per-decade * log10(1 + (I - (1 - d)) / u), so each tenfold of (1 +
 *     units earned) adds points-per-decade; 0 keeps clout-1's log10(I / (1 - d))
 */
public record ScoringParams(
    String modelVersion,
    int windowDays,
    double halfLifeDays,
    Map<String, Double> typeWeights,
    double pairDayCap,
    double mutualThreshold,
    double mutualPenalty,
    double outputReferencePosts,
    double outputExponent,
    double outreachWeight,
    double outreachReference,
    double damping,
    double tolerance,
    int maxIterations,
    int checkpointEvery,
    long localMaxEdges,
    double calibrationBase,
    double calibrationPointsPerDecade,
    double maxDailyDrop,
    double inactivityDrop,
    int driversPerPerson,
    String propagation,
    double voteFloor,
    double secondHopWeight,
    double softTopFrom,
    boolean engagedCountsAsActive,
    double calibrationUnit)
    implements Serializable {
  public static final String PAGERANK = "pagerank";
  public static final String TWO_HOP = "two-hop";

  public ScoringParams {
    typeWeights = new TreeMap<>(typeWeights);
    for (Map.Entry<String, Double> e : typeWeights.entrySet()) {
      EventType t = EventType.fromWire(e.getKey()).orElse(null);
      check(
          t != null && t != EventType.POST,
          "scoring.type-weights has no type '" + e.getKey() + "'");
      check(e.getValue() >= 0, "scoring.type-weights." + e.getKey() + " must not be negative");
    }
    check(windowDays >= 1, "scoring.window-days must be at least 1");
    check(halfLifeDays > 0, "scoring.half-life-days must be positive");
    check(pairDayCap > 0, "scoring.pair-day-cap must be positive");
    check(
        mutualPenalty >= 0 && mutualPenalty <= 1, "scoring.mutual-penalty must be between 0 and 1");
    check(damping > 0 && damping < 1, "scoring.damping must be between 0 and 1 (exclusive)");
    check(maxIterations >= 1, "scoring.max-iterations must be at least 1");
    check(checkpointEvery >= 1, "scoring.checkpoint-every must be at least 1");
    check(
        outputReferencePosts > 0 && outreachReference > 0,
        "scoring.output-reference-posts and scoring.outreach-reference must be positive");
    check(calibrationPointsPerDecade > 0, "scoring.calibration-points-per-decade must be positive");
    check(
        maxDailyDrop >= inactivityDrop && inactivityDrop >= 0,
        "scoring.max-daily-drop must be >= scoring.inactivity-drop >= 0");
    check(
        PAGERANK.equals(propagation) || TWO_HOP.equals(propagation),
        "scoring.propagation must be pagerank or two-hop, not '" + propagation + "'");
    check(calibrationUnit >= 0, "scoring.calibration-unit must not be negative");
    check(voteFloor >= 0, "scoring.vote-floor must not be negative");
    check(
        secondHopWeight >= 0 && secondHopWeight <= 1,
        "scoring.second-hop-weight must be between 0 and 1");
    check(
        softTopFrom > calibrationBase && softTopFrom <= 100,
        "scoring.soft-top-from must be above scoring.calibration-base and at most 100");
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("Invalid configuration: " + message);
    }
  }

  /** Weight of one engagement of this type; 0 for a type with no weight. */
  public double typeWeight(String type) {
    return typeWeights.getOrDefault(type, 0.0);
  }
}
