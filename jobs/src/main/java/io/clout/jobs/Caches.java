package io.clout.jobs;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.storage.StorageLevel;

/** How the jobs cache the large row sets every later stage of a run reads. */
public final class Caches {
  /**
   * Spark plans a cache when it is declared, in a copy of the session (while the default {@code
   * spark.sql.sources.bucketing.autoBucketedScan.enabled} holds), so the batches are built with
   * this setting as it was then.
   */
  private static final String COLUMN_COMPRESSION = "spark.sql.inMemoryColumnarStorage.compressed";

  private Caches() {}

  /**
   * Caches {@code rows} as Spark's column batches without their per-column encodings, serialized
   * and compressed whole by the block manager ({@code spark.rdd.compress}, which every session
   * sets: {@link SparkSessions}). Choosing the encodings gathers statistics on every value of every
   * column, and most of these strings are ids and texts with few repeats. At 9.56M lines the
   * window's cache was built in about two thirds of the time, in less memory, and each command in a
   * JVM of its own used 3 to 12% less task time; in the bench's daily run only ingest gained
   * (docs/daily-performance.md, "Packed caches"). Each read decompresses the batches. The session's
   * setting is switched for the moment of the declaration, one declaration at a time.
   */
  public static synchronized Dataset<Row> packed(Dataset<Row> rows) {
    RuntimeConfig conf = rows.sparkSession().conf();
    String before = conf.get(COLUMN_COMPRESSION);
    conf.set(COLUMN_COMPRESSION, "false");
    try {
      return rows.persist(StorageLevel.MEMORY_AND_DISK_SER());
    } finally {
      conf.set(COLUMN_COMPRESSION, before);
    }
  }
}
