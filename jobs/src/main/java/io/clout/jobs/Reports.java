package io.clout.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Writes JSON run reports next to the tables, through Hadoop, so s3a works too. */
public final class Reports {
  public static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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

  /** An ordered JSON object from key, value pairs; values may be null (Map.of allows neither). */
  public static java.util.Map<String, Object> object(Object... keyValues) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  public static String toJson(Object report) {
    try {
      return JSON.writeValueAsString(report);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
