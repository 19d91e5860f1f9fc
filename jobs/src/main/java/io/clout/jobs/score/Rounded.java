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
 * decimal text, a tenth of the score stage's CPU. {@link #exactSum} adds doubles as decimals, so a
 * sum does not change with the order Spark adds the rows in.
 */
public final class Rounded {
  /**
   * Below a long's 2^63, with room for the rounding: {@link #units} takes a value's units as a long
   * below it, and its whole part as a long below it otherwise.
   */
  private static final double UNITS_LIMIT = 9.2e18;

  /** What {@link #units} are added as: whole numbers up to 10^38. */
  private static final String UNITS = "decimal(38,0)";

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
   * added as whole units of 10^-scale ({@link #units}): the same whatever order Spark adds the rows
   * in, and the nearest double to the decimal sum while each value stays within 2^53 units. A plain
   * sum of doubles differs in its last bits with the order, and a group of thousands of rows
   * carries that into the ninth decimal. No rows, or only nulls, sum to null.
   */
  public static Column exactSum(Column value, int scale) {
    return fromUnits(functions.sum(units(value, scale)), scale);
  }

  /** {@link #exactSum} over a window: each row gets its partition's exact sum. */
  public static Column exactSum(Column value, int scale, WindowSpec window) {
    return fromUnits(functions.sum(units(value, scale)).over(window), scale);
  }

  /**
   * A double as a whole number of 10^-scale units (half up), a decimal that sums exactly and in any
   * order. Up to 2^53 units a value is exact; beyond, it is the same whatever the order. Where the
   * units would pass a long's range, the whole part and the fraction's units are taken apart and
   * put together as a decimal, so a value fails the query (with this message rather than sum a
   * wrong number) only from 9.2e18 on, or when it is NaN or infinite.
   *
   * @param scale 0 to 18: a fraction's units must fit a long, and a whole part below 9.2e18 times
   *     10^18 fits {@code decimal(38,0)}
   */
  public static Column units(Column value, int scale) {
    if (scale < 0 || scale > 18) {
      throw new IllegalArgumentException("units of 10^-" + scale + ": the scale must be 0 to 18");
    }
    Column scaled = value.multiply(Math.pow(10, scale));
    Column whole = functions.floor(value);
    Column fraction = functions.floor(value.minus(whole).multiply(Math.pow(10, scale)).plus(0.5));
    return functions
        .when(
            functions.abs(value).geq(UNITS_LIMIT),
            functions.raise_error(
                functions.concat(
                    functions.lit("Cannot add exactly in units of 10^-" + scale + ": "),
                    value.cast(DataTypes.StringType),
                    functions.lit(" is too large or not a number"))))
        .when(functions.abs(scaled).lt(UNITS_LIMIT), functions.floor(scaled.plus(0.5)))
        .otherwise(
            whole
                .cast(UNITS)
                .multiply(functions.lit(BigDecimal.TEN.pow(scale)))
                .plus(fraction.cast(UNITS)))
        .cast(UNITS);
  }

  /** A number of 10^-scale units ({@link #units}) back to the nearest double. */
  public static Column fromUnits(Column units, int scale) {
    return units.cast(DataTypes.DoubleType).divide(Math.pow(10, scale));
  }
}
