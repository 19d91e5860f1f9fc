package io.clout.jobs.ingest;

import static io.clout.jobs.TestSpark.df;
import static org.apache.spark.sql.functions.col;

import io.clout.jobs.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class IngestTransformsTest {
  static final String PARSED =
      "record_kind STRING, source_file STRING, line_number BIGINT, reason STRING, detail STRING,"
          + " network STRING, event_id STRING, person_id STRING, account_id STRING";
  static final String OUTCOME = "source_file STRING, line_number BIGINT, reason STRING";

  private static Dataset<Row> outcome(Dataset<Row> classified) {
    return classified.select(col("source_file"), col("line_number"), col("reason"));
  }

  @Test
  void keepsTheFirstOfEachKeyInFileAndLineOrder() {
    Dataset<Row> parsed =
        df(
            PARSED,
            "{\"record_kind\":\"event\",\"source_file\":\"b\",\"line_number\":1,\"network\":\"twitter\",\"event_id\":\"e1\"}",
            "{\"record_kind\":\"event\",\"source_file\":\"a\",\"line_number\":9,\"network\":\"twitter\",\"event_id\":\"e1\"}",
            "{\"record_kind\":\"event\",\"source_file\":\"a\",\"line_number\":10,\"network\":\"twitter\",\"event_id\":\"e1\"}",
            // The same id on another network is another event.
            "{\"record_kind\":\"event\",\"source_file\":\"a\",\"line_number\":11,\"network\":\"facebook\",\"event_id\":\"e1\"}",
            // A rejected line never shadows a valid one with the same key.
            "{\"record_kind\":\"event\",\"source_file\":\"a\",\"line_number\":1,\"reason\":\"FUTURE_TIMESTAMP\",\"network\":\"twitter\",\"event_id\":\"e2\"}",
            "{\"record_kind\":\"event\",\"source_file\":\"a\",\"line_number\":2,\"network\":\"twitter\",\"event_id\":\"e2\"}");
    Dataset<Row> none = df("network STRING, event_id STRING");

    Dataset<Row> expected =
        df(
            OUTCOME,
            "{\"source_file\":\"b\",\"line_number\":1,\"reason\":\"DUPLICATE_IN_BATCH\"}",
            "{\"source_file\":\"a\",\"line_number\":9}",
            "{\"source_file\":\"a\",\"line_number\":10,\"reason\":\"DUPLICATE_IN_BATCH\"}",
            "{\"source_file\":\"a\",\"line_number\":11}",
            "{\"source_file\":\"a\",\"line_number\":1,\"reason\":\"FUTURE_TIMESTAMP\"}",
            "{\"source_file\":\"a\",\"line_number\":2}");
    TestSpark.suite()
        .assertDataFrameNoOrderEquals(
            expected, outcome(IngestTransforms.markDuplicates(parsed, none)));
    // The keys-only path ingest takes gives the same outcome.
    TestSpark.suite()
        .assertDataFrameNoOrderEquals(
            expected,
            outcome(
                IngestTransforms.withDuplicates(
                    parsed, IngestTransforms.duplicateLines(parsed, none))));
  }

  @Test
  void marksKeysAnEarlierPartitionDelivered() {
    Dataset<Row> parsed =
        df(
            PARSED,
            "{\"record_kind\":\"event\",\"source_file\":\"a\",\"line_number\":1,\"network\":\"twitter\",\"event_id\":\"old\"}",
            "{\"record_kind\":\"event\",\"source_file\":\"a\",\"line_number\":2,\"network\":\"twitter\",\"event_id\":\"old\"}",
            "{\"record_kind\":\"event\",\"source_file\":\"a\",\"line_number\":3,\"network\":\"twitter\",\"event_id\":\"new\"}");
    Dataset<Row> earlier =
        df("network STRING, event_id STRING", "{\"network\":\"twitter\",\"event_id\":\"old\"}");

    Dataset<Row> expected =
        df(
            OUTCOME,
            "{\"source_file\":\"a\",\"line_number\":1,\"reason\":\"DUPLICATE_EARLIER\"}",
            "{\"source_file\":\"a\",\"line_number\":2,\"reason\":\"DUPLICATE_EARLIER\"}",
            "{\"source_file\":\"a\",\"line_number\":3}");
    TestSpark.suite()
        .assertDataFrameNoOrderEquals(
            expected, outcome(IngestTransforms.markDuplicates(parsed, earlier)));
    // The keys-only path ingest takes gives the same outcome.
    TestSpark.suite()
        .assertDataFrameNoOrderEquals(
            expected,
            outcome(
                IngestTransforms.withDuplicates(
                    parsed, IngestTransforms.duplicateLines(parsed, earlier))));
  }

  @Test
  void identityConflictsKeepTheSmallestPersonAndRepeatsAreDuplicates() {
    Dataset<Row> parsed =
        df(
            PARSED,
            "{\"record_kind\":\"identity\",\"source_file\":\"i\",\"line_number\":1,\"network\":\"twitter\",\"account_id\":\"t1\",\"person_id\":\"p2\"}",
            "{\"record_kind\":\"identity\",\"source_file\":\"i\",\"line_number\":2,\"network\":\"twitter\",\"account_id\":\"t1\",\"person_id\":\"p1\"}",
            "{\"record_kind\":\"identity\",\"source_file\":\"i\",\"line_number\":3,\"network\":\"twitter\",\"account_id\":\"t1\",\"person_id\":\"p1\"}",
            "{\"record_kind\":\"identity\",\"source_file\":\"i\",\"line_number\":4,\"network\":\"facebook\",\"account_id\":\"t1\",\"person_id\":\"p2\"}",
            "{\"record_kind\":\"identity\",\"source_file\":\"i\",\"line_number\":5,\"reason\":\"MISSING_FIELD\",\"network\":\"twitter\",\"account_id\":\"t1\"}");

    Dataset<Row> expected =
        df(
            OUTCOME,
            "{\"source_file\":\"i\",\"line_number\":1,\"reason\":\"IDENTITY_CONFLICT\"}",
            "{\"source_file\":\"i\",\"line_number\":2}",
            "{\"source_file\":\"i\",\"line_number\":3,\"reason\":\"DUPLICATE_IN_BATCH\"}",
            "{\"source_file\":\"i\",\"line_number\":4}",
            "{\"source_file\":\"i\",\"line_number\":5,\"reason\":\"MISSING_FIELD\"}");
    TestSpark.suite()
        .assertDataFrameNoOrderEquals(
            expected, outcome(IngestTransforms.resolveIdentities(parsed)));
  }
}
