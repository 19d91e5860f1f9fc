package io.clout.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.assertj.core.api.Assertions.assertThat;

import io.clout.jobs.TestSpark;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/** Rounded.bround against Spark's own bround, in Spark, bit for bit. */
class RoundedTest {
  @Test
  void sameBitsAsSparksBroundIncludingTiesNullsAndNegativeZero() {
    Dataset<Row> xs =
        TestSpark.spark()
            .range(100_000)
            .select(
                functions
                    .explode(
                        functions.array(
                            // Decimal halves at each scale and their neighbours in binary.
                            expr("(id - 50000 + 0.5) / 100D"),
                            expr("(id - 50000 + 0.5) / 1e9D"),
                            expr("(id - 50000 + 0.5) / 1e12D"),
                            expr("(id + 0.5) / 1e12D * (1D + 2.3e-16D)"),
                            expr("(id + 0.5) / 1e9D * (1D - 1.2e-16D)"),
                            // Weights, products and quotients of the kind the jobs sum.
                            expr("rand(7) * rand(8) * 0.85D"),
                            expr("rand(9) / (1 + id % 997)"),
                            expr("(rand(10) - 0.5D) * pow(10D, id % 40 - 20)"),
                            expr("cast(null as double)"),
                            expr("-0D")))
                    .as("x"));
    for (int scale : new int[] {2, 9, 12}) {
      List<Row> rows =
          xs.select(
                  col("x"),
                  functions.bround(col("x"), scale).as("spark"),
                  Rounded.bround(col("x"), scale).as("ours"))
              .collectAsList();
      assertThat(rows).hasSize(1_000_000);
      for (Row r : rows) {
        if (r.isNullAt(1) || r.isNullAt(2)) {
          assertThat(r.isNullAt(2)).as("null for %s", r.get(0)).isEqualTo(r.isNullAt(1));
        } else {
          assertThat(Double.doubleToRawLongBits(r.getDouble(2)))
              .as("bround(%s, %d): %s vs Spark's %s", r.get(0), scale, r.get(2), r.get(1))
              .isEqualTo(Double.doubleToRawLongBits(r.getDouble(1)));
        }
      }
    }
  }
}
