package io.clout.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clout.jobs.TestSpark;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/**
 * Rounded.bround against Spark's own bround, in Spark, bit for bit; Rounded.exactSum against the
 * exact decimal sum, in two orders.
 */
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

  @Test
  void exactSumIsTheDecimalSumWhateverTheOrder() {
    // Type weights times scores of two decimals, as moments sums them: 10 groups of 20,000.
    Dataset<Row> xs =
        TestSpark.spark()
            .range(200_000)
            .select(
                col("id").mod(10).as("g"),
                expr("element_at(array(0.2D, 0.5D, 1D, 2D, 3D), cast(id % 5 + 1 as int))")
                    .multiply(expr("(id * 7919 % 9900 + 100) / 100D"))
                    .as("x"),
                expr("id * 7919 % 9900 + 100").as("cents"),
                col("id").mod(5).as("w"));
    Map<Long, Double> exact = new TreeMap<>();
    String[] weights = {"0.2", "0.5", "1", "2", "3"};
    Map<Long, BigDecimal> sums =
        xs.collectAsList().stream()
            .collect(
                Collectors.groupingBy(
                    r -> r.getLong(0),
                    Collectors.reducing(
                        BigDecimal.ZERO,
                        r ->
                            new BigDecimal(weights[(int) r.getLong(3)])
                                .multiply(BigDecimal.valueOf(r.getLong(2), 2)),
                        BigDecimal::add)));
    sums.forEach((g, v) -> exact.put(g, v.doubleValue()));
    Map<Long, Double> plainUp = sums(xs, col("x").asc(), functions.sum("x"));
    Map<Long, Double> plainDown = sums(xs, col("x").desc(), functions.sum("x"));
    assertThat(plainUp).as("a plain sum depends on the order").isNotEqualTo(plainDown);
    assertThat(sums(xs, col("x").asc(), Rounded.exactSum(col("x"), 9))).isEqualTo(exact);
    assertThat(sums(xs, col("x").desc(), Rounded.exactSum(col("x"), 9))).isEqualTo(exact);
  }

  @Test
  void exactSumTakesWholePartsBeyondALongOfUnitsAndFailsClearlyBeyondThat() {
    Dataset<Row> xs = TestSpark.spark().range(3).selectExpr("IF(id = 1, NULL, id * 1e9D) x");
    assertThat(xs.where("x IS NULL").agg(Rounded.exactSum(col("x"), 9)).first().isNullAt(0))
        .isTrue();
    // 2e9 in units of 10^-9 is 2e18, within a long; in units of 10^-15, 2e24 is not, so the
    // whole part and the fraction are added apart.
    assertThat(xs.agg(Rounded.exactSum(col("x"), 9)).first().getDouble(0)).isEqualTo(2e9);
    assertThat(xs.agg(Rounded.exactSum(col("x"), 15)).first().getDouble(0)).isEqualTo(2e9);
    // Ranks' shares from -300,000 to 700,000 with 15 decimals, in two orders: below
    // a long of units as before, beyond it its whole part's and its fraction's.
    Dataset<Row> big =
        TestSpark.spark()
            .range(100_000)
            .selectExpr("id % 4 g", "(id * 0.6180339887498949D % 1D - 0.3D) * 1e6D x");
    Map<Long, Double> expected = unitSums(big, 15);
    assertThat(sums(big, col("x").asc(), functions.sum("x")))
        .as("a plain sum depends on the order")
        .isNotEqualTo(sums(big, col("x").desc(), functions.sum("x")));
    assertThat(sums(big, col("x").asc(), Rounded.exactSum(col("x"), 15))).isEqualTo(expected);
    assertThat(sums(big, col("x").desc(), Rounded.exactSum(col("x"), 15))).isEqualTo(expected);
    assertThat(twoLevelSums(big, 15)).isEqualTo(expected);
    // At 10^-19 a fraction's units pass a long.
    assertThatThrownBy(() -> Rounded.exactSum(col("x"), 19)).hasMessageContaining("0 to 18");
    Dataset<Row> huge = TestSpark.spark().range(1).selectExpr("1e19D x");
    assertThatThrownBy(() -> huge.agg(Rounded.exactSum(col("x"), 9)).first())
        .hasMessageContaining("Cannot add exactly in units of 10^-9: 1.0E19 is too large");
  }

  @Test
  void exactSumAddsPastALongOfUnitsAndOverAWindow() {
    // Each value within a long of units of 10^-9 (up to 5.2e18), of either sign: a group's total
    // is far beyond a long, as the decimal sum was.
    Dataset<Row> xs =
        TestSpark.spark()
            .range(30_000)
            .selectExpr("id % 3 g", "(id % 7 - 2) * 1.3e9D + id * 0.000000001D x");
    Map<Long, Double> expected = unitSums(xs, 9);
    // Beyond 1e20 units each.
    assertThat(expected.values()).allMatch(v -> Math.abs(v) > 1e11);
    assertThat(sums(xs, col("x").asc(), Rounded.exactSum(col("x"), 9))).isEqualTo(expected);
    assertThat(sums(xs, col("x").desc(), Rounded.exactSum(col("x"), 9))).isEqualTo(expected);
    Map<Long, Double> windowed = new TreeMap<>();
    for (Row r :
        xs.select(
                col("g"),
                Rounded.exactSum(
                    col("x"), 9, org.apache.spark.sql.expressions.Window.partitionBy("g")))
            .collectAsList()) {
      windowed.put(r.getLong(0), r.getDouble(1));
    }
    assertThat(windowed).isEqualTo(expected);
    assertThat(twoLevelSums(xs, 9)).isEqualTo(expected);
    // Whole parts beyond a long in all fail the query rather than wrap around.
    Dataset<Row> wholes = TestSpark.spark().range(3).selectExpr("4e18D x");
    assertThatThrownBy(() -> wholes.agg(Rounded.exactSum(col("x"), 9)).first())
        .hasMessageContaining("overflow");
  }

  /** Each group's (g) sum of {@link #units} of x, in plain Java, as the nearest double. */
  private static Map<Long, Double> unitSums(Dataset<Row> xs, int scale) {
    Map<Long, BigDecimal> sums = new TreeMap<>();
    for (Row r : xs.select("g", "x").collectAsList()) {
      sums.merge(r.getLong(0), units(r.getDouble(1), scale), BigDecimal::add);
    }
    Map<Long, Double> out = new TreeMap<>();
    sums.forEach((g, u) -> out.put(g, u.doubleValue() / Math.pow(10, scale)));
    return out;
  }

  /**
   * Each group's (g) exact sum over two levels of grouping: {@link Rounded#parts} summed per (g, h)
   * and then per g.
   */
  private static Map<Long, Double> twoLevelSums(Dataset<Row> xs, int scale) {
    Column[] parts = Rounded.parts(col("x"), scale, "x");
    Column[] sums = Rounded.sumParts("x");
    Map<Long, Double> out = new TreeMap<>();
    for (Row r :
        xs.select(col("g"), col("x").cast("long").mod(5).as("h"), parts[0], parts[1], parts[2])
            .groupBy("g", "h")
            .agg(sums[0], sums[1], sums[2])
            .groupBy("g")
            .agg(sums[0], sums[1], sums[2])
            .select(col("g"), Rounded.ofParts("x", scale))
            .collectAsList()) {
      out.put(r.getLong(0), r.getDouble(1));
    }
    return out;
  }

  /** A value's 10^-scale units, as {@link Rounded#exactSum} takes them, in plain Java. */
  static BigDecimal units(double x, int scale) {
    double scaled = x * Math.pow(10, scale);
    if (Math.abs(scaled) < 9.2e18) {
      return BigDecimal.valueOf((long) Math.floor(scaled + 0.5));
    }
    double whole = Math.floor(x);
    return BigDecimal.valueOf((long) whole)
        .scaleByPowerOfTen(scale)
        .add(BigDecimal.valueOf((long) Math.floor((x - whole) * Math.pow(10, scale) + 0.5)));
  }

  /** Each group's sum with the rows added in {@code order}: one partition, sorted. */
  private static Map<Long, Double> sums(Dataset<Row> xs, Column order, Column sum) {
    Map<Long, Double> out = new TreeMap<>();
    for (Row r :
        // Checkpointed: Spark drops a sort that only an aggregate reads.
        xs.repartition(1)
            .sortWithinPartitions(order)
            .localCheckpoint()
            .groupBy("g")
            .agg(sum)
            .collectAsList()) {
      out.put(r.getLong(0), r.getDouble(1));
    }
    return out;
  }
}
