package io.clout.common.scoring;

/**
 * The model's formulas, as plain functions of numbers: Spark jobs compute the same expressions with
 * built-in column functions, and tests check both against these. docs/scoring.md explains each.
 */
public final class ScoreMath {
  public static final double MIN_SCORE = 1.0;
  public static final double MAX_SCORE = 100.0;

  private ScoreMath() {}

  /** Weight left after {@code ageDays}: 2^(-age / half-life). */
  public static double decay(double ageDays, double halfLifeDays) {
    return Math.pow(0.5, ageDays / halfLifeDays);
  }

  /** Diminishing returns of one pair's weight within a day: c(1 - e^(-s/c)), never above c. */
  public static double saturate(double sum, double cap) {
    return cap * (1 - Math.exp(-sum / cap));
  }

  /** Pair weight after the mutual discount: a - penalty * max(0, min(a, reverse) - threshold). */
  public static double mutualDiscount(double a, double reverse, double threshold, double penalty) {
    return a - penalty * Math.max(0, Math.min(a, reverse) - threshold);
  }

  /** How much reactions to a person count given their output: min(1, (posts/ref)^-exponent). */
  public static double outputFactor(long posts, double referencePosts, double exponent) {
    return posts <= referencePosts ? 1.0 : Math.pow(posts / referencePosts, -exponent);
  }

  /** Raw influence earned by engaging with others: w(1 - e^(-given/ref)). */
  public static double outreachBonus(double given, double weight, double reference) {
    return weight * (1 - Math.exp(-given / reference));
  }

  /**
   * The fixed 1-100 scale: base + points-per-decade * log10(influence / (1 - d)), or with a {@code
   * calibration-unit} u, base + points-per-decade * log10(1 + (influence - (1 - d)) / u) (clout-2:
   * one unit is what one full-weight engagement from an engager under the vote floor brings); bent
   * above {@code soft-top-from} (k) into 100 - (100 - k) e^(-(s - k) / (100 - k)), which rises with
   * slope 1 at k and never reaches 100, so the top accounts never tie (with k = 100 it is a plain
   * clamp). The teleport rank (1 - d) is the least a person in the graph has, and maps to the base.
   */
  public static double calibrate(double influence, ScoringParams p) {
    if (!(influence > 0)) {
      return MIN_SCORE;
    }
    double teleport = 1 - p.damping();
    double u = p.calibrationUnit();
    double decades =
        u > 0
            ? Math.log10(1 + Math.max(0, influence - teleport) / u)
            : Math.log10(influence / teleport);
    double s = p.calibrationBase() + p.calibrationPointsPerDecade() * decades;
    double k = p.softTopFrom();
    if (s > k) {
      s =
          k >= MAX_SCORE
              ? MAX_SCORE
              : MAX_SCORE - (MAX_SCORE - k) * Math.exp(-(s - k) / (MAX_SCORE - k));
    }
    return round2(Math.max(MIN_SCORE, Math.min(MAX_SCORE, s)));
  }

  /**
   * Today's published score from the model's target and yesterday's score: a rise shows at once; a
   * fall is at most {@code maxDailyDrop}; a day without any action falls at least {@code
   * inactivityDrop}. With no score yesterday the target is published as it is.
   */
  public static double nextScore(
      Double previous, double target, boolean inactive, ScoringParams p) {
    if (previous == null) {
      return target;
    }
    double wanted = inactive ? Math.min(target, previous - p.inactivityDrop()) : target;
    return round2(Math.max(MIN_SCORE, Math.max(previous - p.maxDailyDrop(), wanted)));
  }

  public static double round2(double v) {
    return Math.round(v * 100.0) / 100.0;
  }
}
