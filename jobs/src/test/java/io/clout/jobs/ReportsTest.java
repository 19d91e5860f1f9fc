package io.clout.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.clout.jobs.ingest.IngestReport;
import io.clout.jobs.moments.MomentsJob;
import io.clout.jobs.perks.PerksJob;
import io.clout.jobs.score.ScoreReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run reports are records written as snake_case JSON and read back typed. */
class ReportsTest {
  @TempDir Path dir;

  static Pipeline.DailyReport daily() {
    IngestReport ingest =
        new IngestReport(
            "2026-01-02",
            "ok",
            "raw/engagement/dt=2026-01-02",
            2,
            0,
            Map.of(),
            10,
            7,
            1,
            2,
            Map.of("MALFORMED_JSON", 2L, "DUPLICATE_IN_BATCH", 1L),
            3,
            3,
            0,
            Map.of("engagements", 4L),
            1234,
            Map.of("scoring.damping", "0.85"));
    ScoreReport score =
        new ScoreReport(
            "2026-01-02",
            "clout-1",
            7,
            5,
            6,
            "in-memory",
            12,
            5,
            Map.of("p50", 12.5),
            0,
            Map.of("scores", 3L),
            99,
            Map.of("scoring.damping", "0.85"));
    MomentsJob.Report moments =
        new MomentsJob.Report("2026-01-02", Map.of("moments", 4L), Map.of("moments", 2L), 55);
    return new Pipeline.DailyReport(
        "2026-01-02",
        "complete",
        "abc",
        "clout-1",
        ingest,
        score,
        moments,
        new PerksJob.Report("2026-01-02", 3, Map.of("milestones", 7L), Map.of("milestones", 1L), 9),
        Map.of("ingest", 1L, "score", 2L),
        3,
        Map.of("scoring.damping", "0.85"));
  }

  @Test
  void aReportIsWrittenInSnakeCaseAndReadBackEqual() throws IOException {
    Pipeline.DailyReport report = daily();
    String json = Reports.toJson(report);
    assertThat(json)
        .contains(
            "\"lines_read\"",
            "\"rejected_by_reason\"",
            "\"model_version\"",
            "\"stage_ms\"",
            "\"perks_in_catalog\"")
        .doesNotContain("linesRead");
    String path = dir.resolve("daily.json").toString();
    Reports.write(TestSpark.spark(), path, report);
    assertThat(Reports.read(TestSpark.spark(), path, Pipeline.DailyReport.class)).contains(report);
  }

  @Test
  void aMissingOrUnreadableReportReadsAsNone() throws IOException {
    assertThat(
            Reports.read(
                TestSpark.spark(), dir.resolve("none.json").toString(), Pipeline.DailyReport.class))
        .isEmpty();
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"status\": \"compl");
    assertThat(Reports.read(TestSpark.spark(), broken.toString(), Pipeline.DailyReport.class))
        .isEmpty();
  }
}
