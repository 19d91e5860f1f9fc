package io.clout.jobs.score;

import io.clout.common.scoring.Rounding;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code functions.bround} of a double column with the same bits, through {@link Rounding}: Spark's
 * own prints and parses each double's decimal text, a tenth of the score stage's CPU.
 */
public final class Rounded {
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
   * The sum of a double column's values, each first rounded (half up) to {@code scale} decimals,
   * added exactly as whole units of 10^-scale: the double nearest that decimal sum, whatever order
   * Spark adds the rows in. A plain sum of doubles differs in its last bits with the order, and a
   * group of thousands of rows carries that into the ninth decimal. No rows, or only nulls, sum to
   * null.
   */
  public static Column exactSum(Column value, int scale) {
    return fromUnits(functions.sum(units(value, scale)), scale);
  }

  /**
   * A double as a whole number of 10^-scale units (half up), a decimal that sums exactly. Beyond
   * 2^53 units a value is not exact, but still the same whatever the order; it must stay within a
   * long's 9.2 x 10^18 units. (ScoreTransforms' exact sum has no such bound, at a higher cost.)
   */
  public static Column units(Column value, int scale) {
    return functions.floor(value.multiply(Math.pow(10, scale)).plus(0.5)).cast("decimal(38,0)");
  }

  /** A number of 10^-scale units ({@link #units}) back to the nearest double. */
  public static Column fromUnits(Column units, int scale) {
    return units.cast(DataTypes.DoubleType).divide(Math.pow(10, scale));
  }
}
