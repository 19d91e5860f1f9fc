package io.clout.jobs.score;

import io.clout.common.scoring.Rounding;
import java.math.BigDecimal;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Rounding and order-independent sums of double columns. {@link #bround} gives {@code
 * functions.bround}'s bits through {@link Rounding}: Spark's own prints and parses each double's
 * decimal text, a tenth of the score stage's CPU. {@link #exactSum} adds doubles as whole numbers,
 * so a sum does not change with the order Spark adds the rows in.
 */
public final class Rounded {
  /**
   * Below a long's 2^63, with room for the rounding: {@link #split} takes a value's units as a long
   * below it, and its whole part as a long below it otherwise.
   */
  private static final double UNITS_LIMIT = 9.2e18;

  /** What the parts' sums are put together as: whole numbers up to 10^38. */
  private static final String UNITS = "decimal(38,0)";

  /** Where {@link #parts} splits a number of units: a long's high part is then within 2^33. */
  private static final int LOW_BITS = 30;

  /** How many longs {@link #parts} splits a value into: whole, high and low. */
  private static final int PARTS = 3;

  private Rounded() {}

  /** The column rounded half-even to {@code scale} decimals; null stays null. */
  public static Column bround(Column value, int scale) {
    UserDefinedFunction f =
        functions
            .udf(
                (UDF1<Double, Double>) x -> x == null ? null : Rounding.halfEven(x, scale),
                DataTypes.DoubleType)
            .withName("bround" + scale);
    return f.apply(value.cast(DataTypes.DoubleType));
  }

  /**
   * The sum of a double column's values, each first rounded (half up) to {@code scale} decimals and
   * added as whole units of 10^-scale: the same whatever order Spark adds the rows in, and the
   * nearest double to the decimal sum while each value stays within 2^53 units. A plain sum of
   * doubles differs in its last bits with the order, and a group of thousands of rows carries that
   * into the ninth decimal. No rows, or only nulls, sum to null.
   *
   * <p>The units are added as three longs ({@link #parts}) and put together as a decimal once per
   * group, without a {@code decimal(38,0)} addition per row, which Spark makes with a {@code
   * BigDecimal} (the breakdown's aggregation at 9.56M lines: 46.1 task s against 70.7, with {@code
   * SparkSessions}' two-level map off). The high and low parts' sums fit a long up to 2^30 rows in
   * a group, and the whole parts' while the group's whole parts add up to less than 2^63 (9.2e18,
   * the bound each value already has); beyond either, Spark's ANSI mode (its default) fails the
   * query rather than sum wrongly.
   */
  public static Column exactSum(Column value, int scale) {
    Column[] p = parts(value, scale);
    return fromParts(functions.sum(p[0]), functions.sum(p[1]), functions.sum(p[2]), scale);
  }

  /** {@link #exactSum} over a window: each row gets its partition's exact sum. */
  public static Column exactSum(Column value, int scale, WindowSpec window) {
    Column[] p = parts(value, scale);
    return fromParts(
        functions.sum(p[0]).over(window),
        functions.sum(p[1]).over(window),
        functions.sum(p[2]).over(window),
        scale);
  }

  /**
   * {@link #exactSum} over groups of groups, in three steps: each row's value as its three longs,
   * named {@code name_0} to {@code name_2}; {@link #sumParts} at each grouping; and {@link
   * #ofParts} for the double, the same as {@link #exactSum} over all the rows gives.
   */
  public static Column[] parts(Column value, int scale, String name) {
    Column[] p = parts(value, scale);
    for (int i = 0; i < p.length; i++) {
      p[i] = p[i].as(partName(name, i));
    }
    return p;
  }

  /** The sums of the parts {@code name_0} to {@code name_2} ({@link #parts}), named the same. */
  public static Column[] sumParts(String name) {
    Column[] sums = new Column[PARTS];
    for (int i = 0; i < PARTS; i++) {
      sums[i] = functions.sum(partName(name, i)).as(partName(name, i));
    }
    return sums;
  }

  /** The summed parts {@code name_0} to {@code name_2} as the double {@link #exactSum} gives. */
  public static Column ofParts(String name, int scale) {
    return fromParts(
        functions.col(partName(name, 0)),
        functions.col(partName(name, 1)),
        functions.col(partName(name, 2)),
        scale);
  }

  /** The column name {@link #parts} gives a value's part {@code i}. */
  private static String partName(String name, int i) {
    return name + "_" + i;
  }

  /**
   * A double's whole number of 10^-scale units (half up) as three longs, whole × 10^scale + high ×
   * 2^30 + low, that sum exactly and in any order. Up to 2^53 units a value is exact; beyond, it is
   * the same whatever the order. A value within a long of units has no whole part here and its
   * units split at bit 30 (low 0 to 2^30 - 1, high the rest rounded down, within 2^33); beyond, the
   * whole part is apart and the fraction's units split the same way. A value fails the query (with
   * {@link #split}'s message rather than sum a wrong number) only from 9.2e18 on, or when it is NaN
   * or infinite.
   *
   * @param scale 0 to 18: a fraction's units must fit a long, and a whole part below 9.2e18 times
   *     10^18 fits {@code decimal(38,0)}
   */
  private static Column[] parts(Column value, int scale) {
    Column[] s = split(value, scale);
    return new Column[] {
      functions.when(s[0], functions.lit(0L)).otherwise(s[1]),
      functions.shiftright(s[2], LOW_BITS),
      s[2].bitwiseAND(functions.lit((1L << LOW_BITS) - 1))
    };
  }

  /**
   * Whether the value's units fit a long; its whole part (failing the query from 9.2e18 on, or when
   * it is NaN or infinite); and its units where they fit, else its fraction's units: both longs.
   */
  private static Column[] split(Column value, int scale) {
    if (scale < 0 || scale > 18) {
      throw new IllegalArgumentException("units of 10^-" + scale + ": the scale must be 0 to 18");
    }
    Column scaled = value.multiply(Math.pow(10, scale));
    Column fits = functions.abs(scaled).lt(UNITS_LIMIT);
    Column floor = functions.floor(value);
    Column whole =
        functions
            .when(
                functions.abs(value).geq(UNITS_LIMIT),
                functions.raise_error(
                    functions.concat(
                        functions.lit("Cannot add exactly in units of 10^-" + scale + ": "),
                        value.cast(DataTypes.StringType),
                        functions.lit(" is too large or not a number"))))
            .otherwise(floor);
    Column fraction = functions.floor(value.minus(floor).multiply(Math.pow(10, scale)).plus(0.5));
    return new Column[] {
      fits, whole, functions.when(fits, functions.floor(scaled.plus(0.5))).otherwise(fraction)
    };
  }

  /** Sums of {@link #parts} as the nearest double to their units' sum. */
  private static Column fromParts(Column whole, Column high, Column low, int scale) {
    return whole
        .cast(UNITS)
        .multiply(functions.lit(BigDecimal.TEN.pow(scale)))
        .plus(high.cast(UNITS).multiply(functions.lit(BigDecimal.valueOf(1L << LOW_BITS))))
        .plus(low.cast(UNITS))
        .cast(DataTypes.DoubleType)
        .divide(Math.pow(10, scale));
  }
}
