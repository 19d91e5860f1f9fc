package io.clout.jobs.window;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.when;

import io.clout.common.config.CloutConfig;
import io.clout.common.scoring.ScoringParams;
import io.clout.jobs.Caches;
import io.clout.jobs.CloutException;
import io.clout.jobs.Tables;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The interaction window of one scoring day, shared by score, moments and evaluate: the events of
 * {@code scoring.window-days} days delivered by the day, each account resolved to its person, with
 * its age and type weight. A run resolves it once; the window owns its cache and releases it on
 * {@link #close()}, so open it in try-with-resources.
 */
public final class InteractionWindow implements AutoCloseable {
  /**
   * The columns of a window's events: what score, moments and evaluate read. The rest of an
   * engagement (its text, where it came from) stays in the table, so the cache that every stage
   * reads holds about half the bytes.
   */
  public static final List<String> COLUMNS =
      List.of(
          "network",
          "type",
          "actor_id",
          "post_id",
          "occurred_at",
          "event_date",
          "actor_person",
          "target_person",
          "age_days",
          "weight");

  private final LocalDate day;
  private final Dataset<Row> events;

  private InteractionWindow(LocalDate day, Dataset<Row> events) {
    this.day = day;
    this.events = events;
  }

  /** The window of {@code day} over the warehouse's engagements and identities. */
  public static InteractionWindow open(SparkSession spark, CloutConfig config, LocalDate day) {
    Dataset<Row> engagements =
        Tables.find(spark, config, Tables.ENGAGEMENTS)
            .orElseThrow(
                () ->
                    new CloutException(
                        "Cannot read the interaction window of "
                            + day
                            + ": no engagements table under "
                            + config.paths().warehouse()
                            + "; run ./clout ingest first"));
    return of(engagements, Tables.read(spark, config, Tables.IDENTITIES), day, config.scoring());
  }

  /** The window of {@code day} over the given engagements and identities, cached. */
  public static InteractionWindow of(
      Dataset<Row> engagements, Dataset<Row> identities, LocalDate day, ScoringParams p) {
    return new InteractionWindow(day, Caches.packed(resolve(engagements, identities, day, p)));
  }

  public LocalDate day() {
    return day;
  }

  /** Every event of the window, in {@link #COLUMNS}. */
  public Dataset<Row> events() {
    return events;
  }

  /** The window's engagements between two different people ({@link #between}). */
  public Dataset<Row> betweenPeople() {
    return between(events);
  }

  @Override
  public void close() {
    events.unpersist();
  }

  /**
   * The window's events with accounts resolved to persons: an account mapped in identities is its
   * person; any other account is a person of its own, {@code network:account}. Only events
   * delivered by the scoring day count, so a backfill sees what a run on that day saw. Returns
   * {@link #COLUMNS}.
   */
  public static Dataset<Row> resolve(
      Dataset<Row> engagements, Dataset<Row> identities, LocalDate day, ScoringParams p) {
    Dataset<Row> ids =
        identities.select(
            col("network").as("_net"),
            col("account_id").as("_acct"),
            col("person_id").as("_person"));
    Dataset<Row> window =
        engagements.where(
            col("event_date")
                .between(
                    lit(day.minusDays(p.windowDays() - 1L).toString()).cast("date"),
                    lit(day.toString()).cast("date"))
                .and(col("ingest_date").leq(lit(day.toString()).cast("date"))));
    Dataset<Row> withActor =
        window
            .join(
                broadcast(ids),
                col("network").equalTo(col("_net")).and(col("actor_id").equalTo(col("_acct"))),
                "left")
            .withColumn(
                "actor_person",
                coalesce(col("_person"), concat(col("network"), lit(":"), col("actor_id"))))
            .drop("_net", "_acct", "_person");
    return withActor
        .join(
            broadcast(ids),
            col("network").equalTo(col("_net")).and(col("target_id").equalTo(col("_acct"))),
            "left")
        .withColumn(
            "target_person",
            when(
                col("target_id").isNotNull(),
                coalesce(col("_person"), concat(col("network"), lit(":"), col("target_id")))))
        .drop("_net", "_acct", "_person")
        .withColumn("age_days", datediff(lit(day.toString()).cast("date"), col("event_date")))
        .withColumn(
            "weight",
            typeWeight(p).multiply(pow(lit(0.5), col("age_days").divide(p.halfLifeDays()))))
        .select(COLUMNS.stream().map(functions::col).toArray(Column[]::new));
  }

  /** The engagements that make edges: not posts, and not a person engaging with themself. */
  public static Dataset<Row> between(Dataset<Row> personEvents) {
    return personEvents.where(
        col("type")
            .notEqual("post")
            .and(col("target_person").isNotNull())
            .and(col("actor_person").notEqual(col("target_person"))));
  }

  /** The weight of one engagement of the row's type, from {@code scoring.type-weights}. */
  public static Column typeWeight(ScoringParams p) {
    Column w = lit(0.0);
    for (Map.Entry<String, Double> e : p.typeWeights().entrySet()) {
      w = when(col("type").equalTo(e.getKey()), lit(e.getValue())).otherwise(w);
    }
    return w;
  }
}
