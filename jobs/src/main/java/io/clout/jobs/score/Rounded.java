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
}
