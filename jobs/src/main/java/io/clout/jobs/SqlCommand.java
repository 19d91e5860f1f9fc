package io.clout.jobs;

import io.clout.common.config.CloutConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** {@code clout sql}: Spark SQL over the warehouse's tables, each known by its folder name. */
public final class SqlCommand {
  public enum Format {
    TABLE,
    CSV,
    JSON
  }

  private SqlCommand() {}

  /**
   * Registers every table and curated view of the warehouse's catalog ({@link Catalog}) as a view
   * of its name; returns the names.
   */
  public static List<String> registerTables(SparkSession spark, CloutConfig config) {
    List<String> names = new ArrayList<>(Catalog.registerTempViews(spark, config));
    names.sort(null);
    return names;
  }

  /** Rows a table view shows when no {@code --limit} is given; csv and json export every row. */
  public static final int TABLE_ROWS = 1000;

  /**
   * Runs {@code query} and prints its result. Exports (csv, json) are whole unless {@code limit} is
   * given; a table view shows at most {@link #TABLE_ROWS} and says so when it cut the result.
   */
  public static void run(
      SparkSession spark,
      CloutConfig config,
      String query,
      Format format,
      Integer limit,
      PrintStream out) {
    List<String> tables = registerTables(spark, config);
    Dataset<Row> result;
    try {
      result = spark.sql(query);
    } catch (Exception other) {
      if (!(other instanceof org.apache.spark.sql.AnalysisException e)) {
        throw other instanceof RuntimeException re
            ? re
            : new CloutException("Cannot run query: " + other.getMessage(), other);
      }
      throw new CloutException(
          "Cannot run query: "
              + e.getSimpleMessage()
              + (tables.isEmpty()
                  ? " (no tables yet under "
                      + config.paths().warehouse()
                      + "; run ./clout daily first)"
                  : " (tables: " + String.join(", ", tables) + ")"));
    }
    Dataset<Row> limited = limit == null ? result : result.limit(limit);
    switch (format) {
      case TABLE -> {
        int shown = limit == null ? TABLE_ROWS : limit;
        List<List<String>> rows =
            result.limit(shown + 1).collectAsList().stream().map(r -> cells(r, "NULL")).toList();
        boolean cut = rows.size() > shown;
        printTable(result.columns(), cut ? rows.subList(0, shown) : rows, out);
        if (cut && limit == null) {
          out.println(
              "(cut at "
                  + TABLE_ROWS
                  + " rows: --limit N shows more, --format csv or json exports every row)");
        }
      }
      case CSV -> {
        out.println(String.join(",", result.columns()));
        Iterator<Row> it = limited.toLocalIterator();
        while (it.hasNext()) {
          out.println(
              String.join(",", cells(it.next(), "").stream().map(SqlCommand::csv).toList()));
        }
      }
      case JSON -> limited.toJSON().toLocalIterator().forEachRemaining(out::println);
    }
  }

  private static List<String> cells(Row r, String nullText) {
    List<String> cells = new ArrayList<>();
    for (int i = 0; i < r.length(); i++) {
      cells.add(r.isNullAt(i) ? nullText : String.valueOf(r.get(i)));
    }
    return cells;
  }

  /** Prints rows as an aligned text table with a header rule, numbers right-aligned. */
  static void printTable(String[] header, List<List<String>> rows, PrintStream out) {
    int[] width = new int[header.length];
    for (int i = 0; i < header.length; i++) {
      width[i] = header[i].length();
      for (List<String> r : rows) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < header.length; i++) {
      rule.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
    }
    out.println(line(List.of(header), width));
    out.println(rule);
    rows.forEach(r -> out.println(line(r, width)));
    out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
  }

  private static String line(List<String> cells, int[] width) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      boolean numeric = c.matches("-?[0-9]+(\\.[0-9]+)?([eE]-?[0-9]+)?");
      b.append(i == 0 ? "" : " | ")
          .append(
              numeric
                  ? " ".repeat(width[i] - c.length()) + c
                  : c + " ".repeat(width[i] - c.length()));
    }
    return b.toString().stripTrailing();
  }

  private static String csv(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
  }
}
