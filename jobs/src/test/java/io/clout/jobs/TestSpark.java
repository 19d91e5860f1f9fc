package io.clout.jobs;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The one SparkSession of a test JVM, built from {@link SparkSessions#testConf()} through
 * spark-testing-base so its DataFrame assertions are at hand.
 */
public final class TestSpark {
  private static Suite suite;

  private TestSpark() {}

  /** spark-testing-base's suite with our session settings and Hive off. */
  public static final class Suite extends JavaDataFrameSuiteBase {
    @Override
    public SparkConf conf() {
      return SparkSessions.testConf();
    }

    @Override
    public boolean enableHiveSupport() {
      return false;
    }
  }

  public static synchronized Suite suite() {
    if (suite == null) {
      suite = new Suite();
      suite.runBefore();
      suite.spark().sparkContext().setLogLevel("WARN");
    }
    return suite;
  }

  public static SparkSession spark() {
    return suite().spark();
  }

  /** A DataFrame from a DDL schema and JSON rows, the way the tests write their inputs. */
  public static Dataset<Row> df(String ddl, String... jsonRows) {
    StructType schema = StructType.fromDDL(ddl);
    SparkSession spark = spark();
    return spark
        .read()
        .schema(schema)
        .json(spark.createDataset(List.of(jsonRows), org.apache.spark.sql.Encoders.STRING()));
  }

  public static File tempDir(String prefix) {
    try {
      File d = Files.createTempDirectory(prefix).toFile();
      d.deleteOnExit();
      return d;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
