package io.clout.jobs;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * Side-by-side diff of two frames for tests: a full outer join on the keys, every other column of
 * {@code expected} compared (numbers within a tolerance, anything else exactly, null only equal to
 * null), and the rows that differ returned with both values. Tests assert it is empty.
 */
public final class Comparison {
  private Comparison() {}

  public static Dataset<Row> sideBySide(
      Dataset<Row> actual, Dataset<Row> expected, double tolerance, String... keys) {
    List<String> keyList = Arrays.asList(keys);
    Dataset<Row> a = actual.select(prefixed(actual, "a_"));
    Dataset<Row> e = expected.select(prefixed(expected, "e_"));
    Column on = lit(true);
    for (String k : keys) {
      on = on.and(col("a_" + k).eqNullSafe(col("e_" + k)));
    }
    Dataset<Row> joined = a.join(e, on, "full_outer");
    Column differs = lit(false);
    List<Column> shown = new ArrayList<>();
    for (String k : keys) {
      shown.add(col("a_" + k));
      shown.add(col("e_" + k));
      differs = differs.or(col("a_" + k).isNull()).or(col("e_" + k).isNull());
    }
    for (StructField f : expected.schema().fields()) {
      if (keyList.contains(f.name())) {
        continue;
      }
      Column x = col("a_" + f.name());
      Column y = col("e_" + f.name());
      Column same =
          f.dataType() instanceof NumericType
              ? x.isNull().and(y.isNull()).or(abs(x.minus(y)).leq(tolerance))
              : x.eqNullSafe(y);
      differs = differs.or(same.isNull().or(org.apache.spark.sql.functions.not(same)));
      shown.add(x);
      shown.add(y);
    }
    return joined.where(differs).select(shown.toArray(Column[]::new));
  }

  private static Column[] prefixed(Dataset<Row> frame, String prefix) {
    return Arrays.stream(frame.columns()).map(c -> col(c).as(prefix + c)).toArray(Column[]::new);
  }
}
