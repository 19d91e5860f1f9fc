package io.clout.jobs;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One Delta table Clout writes, declared once in {@link Tables}: its columns with a comment each,
 * how it is laid out, and what one run's write replaces.
 *
 * @param name the table's name and its folder under {@code paths.warehouse}
 * @param description what one row is, in a sentence
 * @param writer the stage that writes it ({@code ingest}, {@code score}, {@code moments}, {@code
 *     perks})
 * @param ddl the columns, in order, as Spark DDL with a {@code COMMENT} each
 * @param partitionColumn the column the folders are split by, or null
 * @param dayColumn the column whose value {@code D} a run for day D replaces, or null when a run
 *     rewrites the whole table
 * @param personColumns the columns that hold a person or account id (dotted for nested fields)
 * @param properties Delta table properties set when the table is created
 * @param zOrder the columns {@code maintain} Z-orders by (empty: compaction only)
 */
public record Table(
    String name,
    String description,
    String writer,
    String ddl,
    String partitionColumn,
    String dayColumn,
    List<String> personColumns,
    Map<String, String> properties,
    List<String> zOrder) {

  /** The declared columns; each field's metadata holds its {@code comment}. */
  public StructType schema() {
    return StructType.fromDDL(ddl);
  }

  public List<String> columns() {
    return List.of(schema().fieldNames());
  }

  /** The comment of one column. */
  public String comment(String column) {
    StructField f = schema().apply(column);
    return f.getComment().isDefined() ? f.getComment().get() : "";
  }

  /** The name: what messages and assertions show. */
  @Override
  public String toString() {
    return name;
  }
}
