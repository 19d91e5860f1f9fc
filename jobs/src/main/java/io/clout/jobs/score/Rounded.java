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
   * group of thousands of rows carries that into the ninth decimal. Each value must stay within
   * 2^53 units once scaled. No rows, or only nulls, sum to null.
   */
  public static Column exactSum(Column value, int scale) {
    double unit = Math.pow(10, scale);
    return functions
        .sum(functions.floor(value.multiply(unit).plus(0.5)).cast("decimal(38,0)"))
        .cast(DataTypes.DoubleType)
        .divide(unit);
  }
}
