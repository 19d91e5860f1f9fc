package io.clout.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code clout sql}: exports are whole unless limited, and a cut table view says so. */
class SqlCommandTest {
  private static final String QUERY = "SELECT id, id * 2 AS twice FROM range(1500)";

  static String run(SqlCommand.Format format, Integer limit) {
    CloutConfig config =
        ConfigLoader.load(
            null,
            Map.of(
                "paths.raw", TestSpark.tempDir("sql-raw").toString(),
                "paths.warehouse", TestSpark.tempDir("sql-wh").toString()),
            Map.of());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SqlCommand.run(
        TestSpark.spark(),
        config,
        QUERY,
        format,
        limit,
        new PrintStream(out, true, StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void csvAndJsonExportEveryRowUnlessLimited() {
    String csv = run(SqlCommand.Format.CSV, null);
    assertThat(csv.lines()).hasSize(1 + 1500).startsWith("id,twice").endsWith("1499,2998");
    assertThat(run(SqlCommand.Format.JSON, null).lines()).hasSize(1500);
    assertThat(run(SqlCommand.Format.CSV, 7).lines()).hasSize(1 + 7);
  }

  @Test
  void aTableViewSaysWhenItCutTheResult() {
    String table = run(SqlCommand.Format.TABLE, null);
    assertThat(table).contains("(1000 rows)").contains("cut at 1000 rows");
    String limited = run(SqlCommand.Format.TABLE, 1200);
    assertThat(limited).contains("(1200 rows)").doesNotContain("cut at");
  }
}
