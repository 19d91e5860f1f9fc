package io.clout.common.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.clout.common.config.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoreMathTest {
  static final ScoringParams P =
      ConfigLoader.load(null, Map.of("scoring.model-version", "clout-1"), Map.of()).scoring();

  @Test
  void decayHalvesEveryHalfLife() {
    assertThat(ScoreMath.decay(0, 30)).isEqualTo(1.0);
    assertThat(ScoreMath.decay(30, 30)).isCloseTo(0.5, within(1e-12));
    assertThat(ScoreMath.decay(90, 30)).isCloseTo(0.125, within(1e-12));
  }

  @Test
  void saturationNeverExceedsTheCapAndGrowsWithDiminishingReturns() {
    double one = ScoreMath.saturate(0.2, 1);
    double hundred = ScoreMath.saturate(20, 1);
    assertThat(hundred).isLessThanOrEqualTo(1.0).isGreaterThan(one);
    // A hundred likes in a day give less than six single likes on six days.
    assertThat(hundred).isLessThan(6 * one);
  }

  @Test
  void mutualDiscountOnlyBitesAboveTheThreshold() {
    assertThat(ScoreMath.mutualDiscount(1.5, 1.5, 2, 1)).isEqualTo(1.5);
    assertThat(ScoreMath.mutualDiscount(7, 7, 2, 1)).isEqualTo(2.0);
    assertThat(ScoreMath.mutualDiscount(7, 0, 2, 1)).isEqualTo(7.0);
  }

  @Test
  void reactionsCountRelativeToOutput() {
    assertThat(ScoreMath.outputFactor(10, 10, 0.5)).isEqualTo(1.0);
    assertThat(ScoreMath.outputFactor(1000, 10, 0.5)).isCloseTo(0.1, within(1e-12));
  }

  @Test
  void calibrationIsAFixedLogScale() {
    double base = 1 - P.damping();
    assertThat(ScoreMath.calibrate(base, P)).isEqualTo(P.calibrationBase());
    assertThat(ScoreMath.calibrate(base * 10, P))
        .isEqualTo(P.calibrationBase() + P.calibrationPointsPerDecade());
    assertThat(ScoreMath.calibrate(1e12, P)).isEqualTo(100.0);
    assertThat(ScoreMath.calibrate(0, P)).isEqualTo(1.0);
  }

  @Test
  void risesShowAtOnceFallsAreCappedAndIdleDaysFall() {
    assertThat(ScoreMath.nextScore(null, 42.0, true, P)).isEqualTo(42.0);
    assertThat(ScoreMath.nextScore(30.0, 55.0, false, P)).isEqualTo(55.0);
    assertThat(ScoreMath.nextScore(30.0, 10.0, false, P)).isEqualTo(30.0 - P.maxDailyDrop());
    assertThat(ScoreMath.nextScore(30.0, 29.0, false, P)).isEqualTo(29.0);
    // Idle: at least the inactivity drop, even if the model would hold or rise.
    assertThat(ScoreMath.nextScore(30.0, 35.0, true, P)).isEqualTo(30.0 - P.inactivityDrop());
    assertThat(ScoreMath.nextScore(30.0, 5.0, true, P)).isEqualTo(30.0 - P.maxDailyDrop());
    assertThat(ScoreMath.nextScore(1.5, 1.0, true, P)).isEqualTo(1.0);
  }

  @Test
  void aSoftTopRisesWithoutEverReaching100() {
    ScoringParams soft =
        ConfigLoader.load(
                null,
                Map.of("scoring.model-version", "clout-1", "scoring.soft-top-from", "70"),
                Map.of())
            .scoring();
    double base = 1 - soft.damping();
    // Below the bend the scale is the plain log scale.
    assertThat(ScoreMath.calibrate(base * 100, soft)).isEqualTo(ScoreMath.calibrate(base * 100, P));
    double previous = 0;
    for (int decades = 3; decades <= 12; decades++) {
      double s = ScoreMath.calibrate(base * Math.pow(10, decades), soft);
      assertThat(s).isGreaterThan(previous).isLessThan(100.0);
      previous = s;
    }
    // Slope 1 at the bend: one point above it in linear terms is about one point on the scale.
    double at = Math.pow(10, (70.0 + 1 - 10) / 25);
    assertThat(ScoreMath.calibrate(base * at, soft)).isCloseTo(70.98, within(0.02));
  }

  @Test
  void aCalibrationUnitCountsUnitsEarnedAboveTheTeleportRank() {
    double unit = 0.001275;
    ScoringParams units =
        ConfigLoader.load(
                null,
                Map.of("scoring.model-version", "clout-1", "scoring.calibration-unit", "" + unit),
                Map.of())
            .scoring();
    double base = 1 - units.damping();
    // Nothing earned: the base; then 25 points for every tenfold of (1 + units).
    assertThat(ScoreMath.calibrate(base, units)).isEqualTo(units.calibrationBase());
    assertThat(ScoreMath.calibrate(base + 9 * unit, units)).isEqualTo(35.0);
    assertThat(ScoreMath.calibrate(base + 99 * unit, units)).isEqualTo(60.0);
    assertThat(ScoreMath.calibrate(base + unit, units)).isCloseTo(17.53, within(0.01));
    // The same influence reads far higher than on the ratio-to-teleport scale of clout-1.
    assertThat(ScoreMath.calibrate(base + 9 * unit, P)).isCloseTo(10.80, within(0.01));
    // clout-2's profile sets the unit to d (1 - d) / vote-floor.
    ScoringParams two = ConfigLoader.load(null, Map.of(), Map.of()).scoring();
    assertThat(two.calibrationUnit())
        .isCloseTo(two.damping() * (1 - two.damping()) / two.voteFloor(), within(1e-12));
  }
}
