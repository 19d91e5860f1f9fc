package io.clout.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.columnar.InMemoryRelation;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;

/** A packed cache is serialized without column encodings, and leaves the session as it was. */
class CachesTest {
  static final SparkSession spark = TestSpark.spark();
  static final String KEY = "spark.sql.inMemoryColumnarStorage.compressed";

  @Test
  void packedCachesSerializedWithoutColumnEncodingsAndKeepsTheSessionSetting() {
    String before = spark.conf().get(KEY);
    Dataset<Row> rows =
        spark
            .range(5000)
            .selectExpr("id", "concat('twitter:', id % 700) AS person", "id * 0.5 AS weight");
    List<Row> expected = rows.collectAsList();

    Dataset<Row> packed = Caches.packed(rows);
    try {
      assertThat(spark.conf().get(KEY)).isEqualTo(before);
      assertThat(packed.storageLevel()).isEqualTo(StorageLevel.MEMORY_AND_DISK_SER());
      assertThat(spark.sparkContext().getConf().getBoolean("spark.rdd.compress", false)).isTrue();
      InMemoryRelation cached = cachedAs(packed);
      assertThat(cached.cacheBuilder().cachedPlan().conf().useCompression()).isFalse();
      assertThat(packed.collectAsList()).containsExactlyInAnyOrderElementsOf(expected);
      // A cache declared after it is compressed again, as Spark's default has it.
      Dataset<Row> plain = rows.where("id > 10").persist(StorageLevel.MEMORY_AND_DISK());
      try {
        InMemoryRelation other = cachedAs(plain);
        assertThat(other.cacheBuilder().cachedPlan().conf().useCompression()).isTrue();
      } finally {
        plain.unpersist();
      }
    } finally {
      packed.unpersist();
    }
  }

  /** The cache a dataset reads: the leaf of its plan with cached data substituted. */
  private static InMemoryRelation cachedAs(Dataset<Row> rows) {
    // A new plan over the rows: their own may have been planned before they were cached.
    return (InMemoryRelation)
        rows.select("*").queryExecution().withCachedData().collectLeaves().head();
  }
}
