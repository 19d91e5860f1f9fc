package io.clout.jobs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * JSON run reports next to the tables, written and read through Hadoop so s3a works too. Reports
 * are records; their JSON keys are snake_case ({@code lines_read}).
 */
public final class Reports {
  public static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          // A report written by a newer version still reads.
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private Reports() {}

  public static void write(SparkSession spark, String path, Object report) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (FSDataOutputStream out = fs.create(p, true)) {
        JSON.writeValue((OutputStream) out, report);
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot write run report " + path + ": " + e.getMessage(), e);
    }
  }

  /** The report at {@code path}; empty when there is none or it cannot be read as {@code type}. */
  public static <T> Optional<T> read(SparkSession spark, String path, Class<T> type) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        return Optional.empty();
      }
      try (InputStream in = fs.open(p)) {
        return Optional.ofNullable(JSON.readValue(in, type));
      }
    } catch (IOException e) {
      return Optional.empty(); // an unreadable report counts as none: the day reruns
    }
  }

  public static String toJson(Object report) {
    try {
      return JSON.writeValueAsString(report);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
