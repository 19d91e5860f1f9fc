package io.clout.common.scoring;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Spark's {@code bround(x, scale)} of a double, bit for bit, without its cost. Spark rounds the
 * double's decimal text ({@code BigDecimal.valueOf(x)}) half-even and converts back; printing and
 * parsing that text was a tenth of the score stage's CPU (docs/daily-performance.md).
 *
 * <p>The fast path scales in binary: {@code y = x * 10^scale}. The text differs from x by at most
 * half an ulp, and the product adds at most another, so y is within {@code |y| 2^-52} of the text's
 * scaled value. When y is farther than that from a half, both round to the same integer n, and
 * {@code n / 10^scale} is the correctly rounded double that {@code BigDecimal.doubleValue} gives,
 * since n and the power of ten are exact. The rare values near a half take Spark's own path.
 */
public final class Rounding {
  private static final double[] POW10 = new double[23];

  static {
    double p = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = p;
      p *= 10;
    }
  }

  private Rounding() {}

  /**
   * {@code BigDecimal.valueOf(x).setScale(scale, HALF_EVEN).doubleValue()}; NaN and infinities as
   * they are.
   */
  public static double halfEven(double x, int scale) {
    if (Double.isNaN(x) || Double.isInfinite(x)) {
      return x;
    }
    if (scale >= 0 && scale < POW10.length) {
      double p = POW10[scale];
      double y = x * p;
      double n = Math.rint(y);
      // 4x the error bound above; |y| < 2^52 keeps n and y - n exact.
      if (Math.abs(y) < 0x1p52 && 0.5 - Math.abs(y - n) > Math.abs(y) * 0x1p-50) {
        // A BigDecimal has no negative zero.
        return n == 0 ? 0.0 : n / p;
      }
    }
    return BigDecimal.valueOf(x).setScale(scale, RoundingMode.HALF_EVEN).doubleValue();
  }
}
