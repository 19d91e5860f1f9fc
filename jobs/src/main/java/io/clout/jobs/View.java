package io.clout.jobs;

import java.util.List;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One curated view for dashboards, declared once in {@link Tables#VIEWS}: Spark SQL over the
 * catalog's tables by name, and the columns it returns with a comment each. The SQL is written for
 * both Spark 4.2 (the jobs, {@code ./clout sql}, notebooks) and Spark 3.5 (the JDBC gateway), and
 * {@code ViewsTest} checks that it returns exactly the declared columns.
 *
 * @param name the view's name in the catalog
 * @param description what one row is, in a sentence
 * @param sources the tables it reads; the view is registered only once they all exist
 * @param sql the query, a single SELECT over the tables by name
 * @param ddl the columns it returns, in order, as Spark DDL with a {@code COMMENT} each
 */
public record View(String name, String description, List<String> sources, String sql, String ddl) {

  /** The declared columns; each field's metadata holds its {@code comment}. */
  public StructType schema() {
    return StructType.fromDDL(ddl);
  }

  /** The comment of one column. */
  public String comment(String column) {
    StructField f = schema().apply(column);
    return f.getComment().isDefined() ? f.getComment().get() : "";
  }

  /**
   * The column list of a {@code CREATE VIEW}, {@code (name COMMENT '...', ...)}: the view's columns
   * carry their comments, so {@code DESCRIBE} and a BI tool's schema browser show them.
   */
  public String columnList() {
    StringBuilder b = new StringBuilder("(");
    for (StructField f : schema().fields()) {
      b.append(b.length() == 1 ? "" : ", ")
          .append(f.name())
          .append(" COMMENT '")
          .append(comment(f.name()).replace("\\", "\\\\").replace("'", "\\'"))
          .append("'");
    }
    return b.append(")").toString();
  }

  @Override
  public String toString() {
    return name;
  }
}
