package io.clout.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The catalog's writes: declared columns with comments, properties, one day replaced. */
class TablesTest {
  static final SparkSession spark = TestSpark.spark();
  static final CloutConfig config =
      ConfigLoader.load(
          null,
          Map.of(
              "paths.raw", TestSpark.tempDir("tables-raw").toString(),
              "paths.warehouse", TestSpark.tempDir("tables-wh").toString()),
          Map.of());

  static Dataset<Row> drivers(String day, String person, double value) {
    // Columns in another order and one extra: the write takes the declared ones, in order.
    return TestSpark.df(
        "extra STRING, value DOUBLE, person_id STRING, score_date DATE, kind STRING, position INT,"
            + " driver_id STRING, unit STRING, share DOUBLE",
        "{\"extra\":\"x\",\"value\":"
            + value
            + ",\"person_id\":\""
            + person
            + "\",\"score_date\":\""
            + day
            + "\",\"kind\":\"engager\",\"position\":1,\"unit\":\"rank\"}");
  }

  @Test
  void aWriteReplacesItsDayOnlyWithTheDeclaredColumnsAndComments() {
    Tables.write(
        config, Tables.SCORE_DRIVERS, drivers("2026-01-01", "a", 1.0), LocalDate.of(2026, 1, 1));
    Tables.write(
        config, Tables.SCORE_DRIVERS, drivers("2026-01-02", "b", 2.0), LocalDate.of(2026, 1, 2));
    Tables.write(
        config, Tables.SCORE_DRIVERS, drivers("2026-01-02", "c", 3.0), LocalDate.of(2026, 1, 2));

    Dataset<Row> table = Tables.read(spark, config, Tables.SCORE_DRIVERS);
    assertThat(table.columns()).containsExactlyElementsOf(Tables.SCORE_DRIVERS.columns());
    assertThat(
            table
                .orderBy("score_date")
                .selectExpr("person_id")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactly("a", "c");
    Row valueColumn =
        spark
            .sql("DESCRIBE " + Delta.sqlRef(spark, Tables.path(config, Tables.SCORE_DRIVERS)))
            .where("col_name = 'value'")
            .first();
    assertThat(valueColumn.<String>getAs("comment"))
        .isEqualTo(Tables.SCORE_DRIVERS.comment("value"))
        .isNotBlank();
  }

  @Test
  void aTableIsCreatedWithItsProperties() {
    Dataset<Row> none = Tables.empty(spark, Tables.SCORES);
    Tables.write(config, Tables.SCORES, none, LocalDate.of(2026, 1, 1));
    List<Row> props =
        spark
            .sql("SHOW TBLPROPERTIES " + Delta.sqlRef(spark, Tables.path(config, Tables.SCORES)))
            .where("key = 'delta.enableChangeDataFeed'")
            .collectAsList();
    assertThat(props).hasSize(1);
    assertThat(props.get(0).getString(1)).isEqualTo("true");
  }

  @Test
  void aMissingTableReadsAsNoRowsWithItsColumns() {
    Dataset<Row> none = Tables.read(spark, config, Tables.UNANSWERED_INFLUENCERS);
    assertThat(none.isEmpty()).isTrue();
    assertThat(none.schema().fieldNames())
        .containsExactlyElementsOf(Tables.UNANSWERED_INFLUENCERS.columns());
  }

  @Test
  void aColumnOfAnotherTypeOrAMissingColumnFailsTheWrite() {
    Dataset<Row> wrongType =
        drivers("2026-01-03", "d", 1.0)
            .withColumn("position", org.apache.spark.sql.functions.lit("1"));
    assertThatThrownBy(
            () -> Tables.write(config, Tables.SCORE_DRIVERS, wrongType, LocalDate.of(2026, 1, 3)))
        .hasMessage(
            "Cannot write score_drivers: column position is string, the catalog declares int");
    assertThatThrownBy(
            () ->
                Tables.write(
                    config,
                    Tables.SCORE_DRIVERS,
                    drivers("2026-01-03", "d", 1.0).drop("unit"),
                    LocalDate.of(2026, 1, 3)))
        .hasMessage("Cannot write score_drivers: the rows have no column unit");
  }

  @Test
  void everyTableNamesColumnsItDeclares() {
    for (Table t : Tables.ALL) {
      List<String> columns = t.columns();
      t.personColumns().forEach(c -> assertThat(columns).as(t.name()).contains(c.split("\\.")[0]));
      t.zOrder().forEach(c -> assertThat(columns).as(t.name()).contains(c));
      if (t.partitionColumn() != null) {
        assertThat(columns).as(t.name()).contains(t.partitionColumn());
      }
      if (t.dayColumn() != null) {
        assertThat(columns).as(t.name()).contains(t.dayColumn());
      }
    }
  }
}
