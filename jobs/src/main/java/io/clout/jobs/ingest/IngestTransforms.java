package io.clout.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.clout.common.events.Reason;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/** Pure DataFrame steps of ingest: no IO, unit-tested on in-memory rows. */
public final class IngestTransforms {
  private IngestTransforms() {}

  /**
   * Marks duplicate events among the valid ones of a partition: the first of each (network,
   * event_id) by (source_file, line_number) is kept, later ones become DUPLICATE_IN_BATCH; an event
   * whose key is in {@code earlierKeys} (network, event_id) becomes DUPLICATE_EARLIER.
   */
  public static Dataset<Row> markDuplicates(Dataset<Row> parsed, Dataset<Row> earlierKeys) {
    Dataset<Row> seen =
        earlierKeys
            .select(col("network"), col("event_id"))
            .distinct()
            .withColumn("_earlier", lit(true));
    Column valid = col("reason").isNull();
    Column order =
        row_number()
            .over(
                Window.partitionBy(col("network"), col("event_id"), valid)
                    .orderBy(col("source_file"), col("line_number")));
    return parsed
        .join(
            seen,
            parsed
                .col("network")
                .equalTo(seen.col("network"))
                .and(parsed.col("event_id").equalTo(seen.col("event_id"))),
            "left")
        .drop(seen.col("network"))
        .drop(seen.col("event_id"))
        // Row numbers only among valid events: a rejected line never shadows a good one.
        .withColumn("_order", when(valid, order))
        .withColumn(
            "reason",
            when(valid.and(col("_earlier")), lit(Reason.DUPLICATE_EARLIER.name()))
                .when(valid.and(col("_order").gt(1)), lit(Reason.DUPLICATE_IN_BATCH.name()))
                .otherwise(col("reason")))
        .withColumn(
            "detail",
            when(
                    col("reason").equalTo(Reason.DUPLICATE_EARLIER.name()),
                    lit("(network, event_id) ingested from an earlier partition"))
                .when(
                    col("reason").equalTo(Reason.DUPLICATE_IN_BATCH.name()),
                    lit("(network, event_id) seen earlier in this partition"))
                .otherwise(col("detail")))
        .drop("_earlier", "_order");
  }

  /**
   * The lines {@link #markDuplicates} rejects, as (source_file, line_number, reason, detail),
   * worked out from the keys of the valid events alone, so the full rows are never shuffled.
   */
  public static Dataset<Row> duplicateLines(Dataset<Row> parsedEvents, Dataset<Row> earlierKeys) {
    Dataset<Row> keys =
        parsedEvents
            .where(col("reason").isNull())
            .select(
                col("source_file"),
                col("line_number"),
                col("reason"),
                col("detail"),
                col("network"),
                col("event_id"));
    return markDuplicates(keys, earlierKeys)
        .where(col("reason").isNotNull())
        .select(col("source_file"), col("line_number"), col("reason"), col("detail"));
  }

  /**
   * The parsed events with the reasons of {@link #duplicateLines} applied, matched by (source_file,
   * line_number).
   */
  public static Dataset<Row> withDuplicates(Dataset<Row> parsedEvents, Dataset<Row> duplicates) {
    Dataset<Row> d =
        duplicates.select(
            col("source_file").as("_file"),
            col("line_number").as("_line"),
            col("reason").as("_reason"),
            col("detail").as("_detail"));
    Column found = col("_reason").isNotNull();
    return parsedEvents
        .join(
            d,
            col("source_file").equalTo(col("_file")).and(col("line_number").equalTo(col("_line"))),
            "left")
        .withColumn("reason", when(found, col("_reason")).otherwise(col("reason")))
        .withColumn("detail", when(found, col("_detail")).otherwise(col("detail")))
        .drop("_file", "_line", "_reason", "_detail");
  }

  /**
   * Resolves identity lines: an exact repeat of a mapping is DUPLICATE_IN_BATCH, and an account
   * mapped to several persons keeps the smallest person_id, the others become IDENTITY_CONFLICT.
   */
  public static Dataset<Row> resolveIdentities(Dataset<Row> parsed) {
    Column valid = col("reason").isNull();
    Dataset<Row> withOrder =
        parsed
            // The account's window first: its shuffle by (network, account_id) also serves the
            // finer window after it, which then only sorts.
            .withColumn(
                "_owner",
                when(
                    valid,
                    min(when(valid, col("person_id")))
                        .over(Window.partitionBy(col("network"), col("account_id")))))
            .withColumn(
                "_repeat",
                when(
                    valid,
                    row_number()
                        .over(
                            Window.partitionBy(
                                    col("network"), col("account_id"), col("person_id"), valid)
                                .orderBy(col("source_file"), col("line_number")))));
    return withOrder
        .withColumn(
            "detail",
            when(valid.and(col("_repeat").gt(1)), lit("mapping repeated"))
                .when(
                    valid.and(col("person_id").notEqual(col("_owner"))),
                    concat(lit("account already mapped to person "), col("_owner")))
                .otherwise(col("detail")))
        .withColumn(
            "reason",
            when(valid.and(col("_repeat").gt(1)), lit(Reason.DUPLICATE_IN_BATCH.name()))
                .when(
                    valid.and(col("person_id").notEqual(col("_owner"))),
                    lit(Reason.IDENTITY_CONFLICT.name()))
                .otherwise(col("reason")))
        .drop("_repeat", "_owner");
  }

  /** The accepted events, shaped as the {@code engagements} table. */
  public static Dataset<Row> engagements(Dataset<Row> classified, String ingestDate) {
    return classified
        .where(col("record_kind").equalTo(RawLines.KIND_EVENT).and(col("reason").isNull()))
        .select(
            col("network"),
            col("event_id"),
            col("type"),
            col("actor_id"),
            col("target_id"),
            col("post_id"),
            col("occurred_at"),
            to_date(col("occurred_at")).as("event_date"),
            col("text"),
            col("reply_to_id"),
            col("source_file"),
            col("line_number"),
            to_date(lit(ingestDate)).as("ingest_date"));
  }

  /** The accepted identity mappings, shaped as the {@code identities} table. */
  public static Dataset<Row> identities(Dataset<Row> classified) {
    return classified
        .where(col("record_kind").equalTo(RawLines.KIND_IDENTITY).and(col("reason").isNull()))
        .select(
            col("network"),
            col("account_id"),
            col("person_id"),
            col("source_file"),
            col("line_number"));
  }

  /** Every rejected line, record and file, shaped as the {@code rejected_events} table. */
  public static Dataset<Row> rejected(Dataset<Row> classified, String ingestDate) {
    return classified
        .where(col("reason").isNotNull())
        .select(
            to_date(lit(ingestDate)).as("ingest_date"),
            col("record_kind"),
            col("source_file"),
            col("line_number"),
            col("reason"),
            col("detail"),
            col("raw_text"),
            col("raw_length"),
            col("network"),
            col("event_id"));
  }

  /**
   * Row counts per (record_kind, reason), reason null for accepted rows: the run report's source.
   */
  public static Dataset<Row> outcomeCounts(Dataset<Row> classified) {
    return classified.groupBy(col("record_kind"), col("reason")).agg(count(lit(1)).as("n"));
  }
}
