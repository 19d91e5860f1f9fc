package io.clout.common.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RoundingTest {
  /** What Spark's bround does to a double (RoundBase's generated code). */
  static double sparkBround(double x, int scale) {
    if (Double.isNaN(x) || Double.isInfinite(x)) {
      return x;
    }
    return BigDecimal.valueOf(x).setScale(scale, RoundingMode.HALF_EVEN).doubleValue();
  }

  /** Doubles of every kind the jobs round, plus decimal halves and their binary neighbours. */
  static List<Double> samples(int scale, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double p = Math.pow(10, scale);
    List<Double> xs =
        new ArrayList<>(
            List.of(
                0.0,
                -0.0,
                1.0,
                -1.0,
                Double.NaN,
                Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY,
                Double.MIN_VALUE,
                -Double.MIN_VALUE,
                Double.MAX_VALUE,
                1e300,
                -1e-300,
                0.85 * 0.15,
                4503599627370496.5,
                9007199254740993.0));
    for (int i = 0; i < 200_000; i++) {
      // Decimal halves at the rounding digit (ties), and the doubles just around them.
      double half = (r.nextLong(-1_000_000_000L, 1_000_000_000L) + 0.5) / p;
      xs.add(half);
      xs.add(Math.nextUp(half));
      xs.add(Math.nextDown(half));
      // Short decimals, products and quotients like the jobs' weights, over many magnitudes.
      xs.add(r.nextInt(-100_000, 100_000) / Math.pow(10, r.nextInt(0, 17)));
      xs.add(r.nextDouble() * r.nextDouble() * 0.85);
      xs.add(r.nextDouble() / (1 + r.nextInt(1000)));
      xs.add(r.nextDouble() * Math.pow(10, r.nextInt(-20, 20)));
      // Any bits at all.
      xs.add(Double.longBitsToDouble(r.nextLong()));
    }
    return xs;
  }

  @Test
  void givesSparksBitsAtTheScalesTheJobsUse() {
    for (int scale : new int[] {0, 2, 9, 12, 18}) {
      for (double x : samples(scale, scale)) {
        double want = sparkBround(x, scale);
        double got = Rounding.halfEven(x, scale);
        if (Double.doubleToRawLongBits(got) != Double.doubleToRawLongBits(want)) {
          assertThat(got).as("halfEven(%s, %d)", x, scale).isEqualTo(want);
          assertThat(Double.doubleToRawLongBits(got))
              .as("bits of halfEven(%s, %d)", x, scale)
              .isEqualTo(Double.doubleToRawLongBits(want));
        }
      }
    }
  }

  @Test
  void tiesGoToTheEvenDigitAndNoResultIsANegativeZero() {
    assertThat(Rounding.halfEven(0.125, 2)).isEqualTo(0.12);
    assertThat(Rounding.halfEven(0.135, 2)).isEqualTo(0.14);
    assertThat(Rounding.halfEven(2.5, 0)).isEqualTo(2.0);
    assertThat(Rounding.halfEven(-2.5, 0)).isEqualTo(-2.0);
    assertThat(Double.doubleToRawLongBits(Rounding.halfEven(-1e-15, 12))).isZero();
    assertThat(Double.doubleToRawLongBits(Rounding.halfEven(-0.0, 2))).isZero();
  }
}
