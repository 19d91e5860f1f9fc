package io.clout.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The catalog of names and the curated views: writes put every table in catalog.json, the views
 * return exactly their declared columns, and their numbers follow from hand-made scores.
 */
class ViewsTest {
  static final SparkSession spark = TestSpark.spark();
  static final Path warehouse = TestSpark.tempDir("views-wh").toPath();
  static final CloutConfig config =
      ConfigLoader.load(
          null,
          Map.of(
              "paths.raw", TestSpark.tempDir("views-raw").toString(),
              "paths.warehouse", warehouse.toString()),
          Map.of());
  static final LocalDate D1 = LocalDate.parse("2026-03-01");
  static final LocalDate D2 = D1.plusDays(1);

  static String score(LocalDate day, String person, double score, Double previous, int rank) {
    return "{\"score_date\":\""
        + day
        + "\",\"person_id\":\""
        + person
        + "\",\"score\":"
        + score
        + ",\"previous_score\":"
        + previous
        + ",\"score_change\":"
        + (previous == null ? null : Math.round((score - previous) * 100) / 100.0)
        + ",\"rank\":"
        + rank
        + ",\"model_version\":\"clout-1\"}";
  }

  @BeforeAll
  static void writeTables() {
    Tables.write(
        config,
        Tables.SCORES,
        TestSpark.df(
            Tables.SCORES.ddl(),
            score(D1, "a", 50, null, 1),
            score(D1, "b", 40, null, 2),
            score(D1, "c", 9.99, null, 3)),
        D1);
    String[] today = {
      score(D2, "a", 45, 50.0, 2), score(D2, "b", 60, 40.0, 1), score(D2, "c", 100, 9.99, 0)
    };
    // c at 100 ranks first in truth; the rank here only has to differ from the day before.
    Tables.write(config, Tables.SCORES, TestSpark.df(Tables.SCORES.ddl(), today), D2);
    Tables.write(config, Tables.CURRENT_SCORES, TestSpark.df(Tables.SCORES.ddl(), today), D2);
    for (Table t : List.of(Tables.MOMENTS, Tables.UNANSWERED_INFLUENCERS)) {
      Tables.write(config, t, Tables.empty(spark, t), D2);
    }
  }

  @Test
  void everyWriteListsItsTableInTheCatalogFileAndTheViewsItCanServe() throws Exception {
    String json = Files.readString(warehouse.resolve("_catalog/catalog.json"));
    assertThat(Catalog.read(spark, config).orElseThrow())
        .containsExactlyInAnyOrder(
            "current_scores",
            "moments",
            "scores",
            "unanswered_influencers",
            "current_score_changes",
            "top_movers",
            "score_distribution",
            "moment_engagers",
            "latest_unanswered_influencers");
    assertThat(json).contains("\"location\" : \"scores\"").contains("\"format\" : 1");
  }

  /** A configuration whose raw logs and warehouse are both {@code folder}. */
  static CloutConfig rawAndWarehouseIn(Path folder) {
    return ConfigLoader.load(
        null,
        Map.of("paths.raw", folder.toString(), "paths.warehouse", folder.toString()),
        Map.of());
  }

  @Test
  void aFolderWhoseFirstCommitNeverLandedIsNoTable() throws Exception {
    // What a process killed during a table's first write leaves: a log folder without a commit.
    Path aborted = TestSpark.tempDir("views-aborted").toPath().resolve("wh");
    CloutConfig cfg = rawAndWarehouseIn(aborted);
    Tables.write(
        cfg, Tables.SCORES, TestSpark.df(Tables.SCORES.ddl(), score(D1, "a", 50, null, 1)), D1);
    Files.createDirectories(aborted.resolve("moments/_delta_log/_staged_commits"));
    try {
      assertThat(Catalog.registerTempViews(spark, cfg))
          .containsExactly("scores", "top_movers", "score_distribution");
      assertThat(Catalog.read(spark, cfg).orElseThrow()).doesNotContain("moments");
      assertThat(spark.sql("SELECT count(*) FROM scores").first().getLong(0)).isEqualTo(1);
    } finally {
      Catalog.registerTempViews(spark, config); // the names back on this class's warehouse
    }
  }

  @Test
  void aWarehouseWithoutTablesGetsNoCatalogFile() {
    Path none = TestSpark.tempDir("views-none").toPath().resolve("wh");
    CloutConfig empty = rawAndWarehouseIn(none);
    assertThat(Catalog.registerTempViews(spark, empty)).isEmpty();
    assertThat(Files.exists(none)).isFalse();
  }

  @Test
  void everyViewReturnsExactlyItsDeclaredColumnsWithTheirComments() {
    Catalog.registerTempViews(spark, config);
    for (View v : Tables.VIEWS) {
      List<String> actual =
          java.util.Arrays.stream(spark.table(v.name()).schema().fields())
              .map(f -> f.name() + " " + f.dataType().catalogString() + " " + f.getComment())
              .toList();
      List<String> declared =
          java.util.Arrays.stream(v.schema().fields())
              .map(
                  (StructField f) ->
                      f.name() + " " + f.dataType().catalogString() + " " + f.getComment())
              .toList();
      assertThat(actual).as(v.name()).isEqualTo(declared);
    }
  }

  static List<String> rows(String sql) {
    return spark.sql(sql).collectAsList().stream().map(Row::toString).toList();
  }

  @Test
  void theViewsComputeMovesBandsAndRankChanges() {
    Catalog.registerTempViews(spark, config);
    assertThat(
            rows(
                "SELECT direction, position, person_id, score_change FROM top_movers"
                    + " WHERE score_date = DATE'2026-03-02' ORDER BY direction DESC, position"))
        .containsExactly("[up,1,c,90.01]", "[up,2,b,20.0]", "[down,1,a,-5.0]");
    // 9.99 is in band 0, 100 in band 90; every band has a row, empty ones with 0 people.
    assertThat(
            rows(
                "SELECT score_date, band, band_label, people, share FROM score_distribution"
                    + " WHERE people > 0 ORDER BY score_date, band"))
        .containsExactly(
            "[2026-03-01,0,0-10,1,0.3333]",
            "[2026-03-01,40,40-50,1,0.3333]",
            "[2026-03-01,50,50-60,1,0.3333]",
            "[2026-03-02,40,40-50,1,0.3333]",
            "[2026-03-02,60,60-70,1,0.3333]",
            "[2026-03-02,90,90-100,1,0.3333]");
    assertThat(rows("SELECT count(*) FROM score_distribution")).containsExactly("[20]");
    assertThat(
            rows(
                "SELECT person_id, previous_rank, rank_change, band FROM current_score_changes"
                    + " ORDER BY person_id"))
        .containsExactly("[a,1,-1,40]", "[b,2,1,60]", "[c,3,3,90]");
  }
}
