package io.clout.jobs;

import static org.apache.spark.sql.functions.col;

import io.clout.common.config.CloutConfig;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The catalog: every Delta table Clout writes, declared once with its columns, layout and what a
 * day's write replaces, and the one way jobs read and write them. docs/tables.md shows the same
 * columns (TablesDocTest keeps the two in step).
 */
public final class Tables {
  public static final Table ENGAGEMENTS =
      new Table(
          "engagements",
          "Accepted events, one row per (network, event_id) across all days.",
          "ingest",
          """
          network STRING COMMENT 'the network',
          event_id STRING COMMENT 'unique within the network',
          type STRING COMMENT 'post, like, comment, reply, share, mention, follow',
          actor_id STRING COMMENT 'the acting account',
          target_id STRING COMMENT 'the account on the receiving end (null for post)',
          post_id STRING COMMENT 'the post created or engaged with (null for follow, optional for mention)',
          occurred_at TIMESTAMP COMMENT 'when it happened',
          event_date DATE COMMENT 'UTC day of occurred_at; partition column',
          text STRING COMMENT 'text, if any',
          reply_to_id STRING COMMENT 'the event a reply answers, if given',
          source_file STRING COMMENT 'the raw file it came from',
          line_number BIGINT COMMENT 'its line in that file (1-based)',
          ingest_date DATE COMMENT 'the dt= partition that delivered it; a rerun of that day replaces exactly these rows'
          """,
          "event_date",
          "ingest_date",
          List.of("actor_id", "target_id"),
          // Statistics (for file skipping) only on the columns reads filter by: the replaceWhere on
          // ingest_date, the late-data rule, lookups by person, network and time. Statistics on
          // every column cost about a third of the write (docs/benchmarks.md).
          Map.of(
              "delta.dataSkippingStatsColumns",
              "ingest_date,occurred_at,network,actor_id,target_id,post_id"),
          List.of());

  public static final Table REJECTED_EVENTS =
      new Table(
          "rejected_events",
          "Every quarantined line, identity record and file.",
          "ingest",
          """
          ingest_date DATE COMMENT 'the partition whose run rejected it',
          record_kind STRING COMMENT 'event, identity or file',
          source_file STRING COMMENT 'the raw file',
          line_number BIGINT COMMENT 'the line (null for a whole file)',
          reason STRING COMMENT 'a reason code from docs/events.md',
          detail STRING COMMENT 'which field or value, in words',
          raw_text STRING COMMENT 'the line, capped at ingest.raw-text-cap characters',
          raw_length BIGINT COMMENT 'the full length of the line in characters',
          network STRING COMMENT 'the network, when it could be read (duplicates)',
          event_id STRING COMMENT 'the event id, when it could be read (duplicates)'
          """,
          "ingest_date",
          "ingest_date",
          List.of(),
          Map.of(),
          List.of());

  public static final Table IDENTITIES =
      new Table(
          "identities",
          "The current account-to-person mapping, rewritten whole on every ingest.",
          "ingest",
          """
          network STRING COMMENT 'the network',
          account_id STRING COMMENT 'the account',
          person_id STRING COMMENT 'the person it belongs to',
          source_file STRING COMMENT 'the identity file the mapping came from',
          line_number BIGINT COMMENT 'its line in that file'
          """,
          null,
          null,
          List.of("account_id", "person_id"),
          Map.of(),
          List.of());

  private static final String SCORE_COLUMNS =
      """
      score_date DATE COMMENT 'the day scored; partition column',
      person_id STRING COMMENT 'the person (p... from identities, or network:account)',
      score DOUBLE COMMENT 'the published score, 1-100, two decimals',
      score_change DOUBLE COMMENT 'score - previous_score; null on the first day of a person',
      previous_score DOUBLE COMMENT 'the score of the day before, if any',
      rank INT COMMENT 'position by score that day (1 = highest; ties by raw influence, then id)',
      raw_influence DOUBLE COMMENT 'propagated_rank + outreach_bonus',
      propagated_rank DOUBLE COMMENT 'r from propagation (at least 1 - d for anyone in the graph)',
      outreach_bonus DOUBLE COMMENT 'what engaging with others earned',
      target_score DOUBLE COMMENT 'the calibrated raw influence, before the day-to-day rules',
      inactivity_adjustment DOUBLE COMMENT 'points the idle-day rule took (<= 0)',
      drop_cap_adjustment DOUBLE COMMENT 'points the daily drop cap gave back (>= 0)',
      received_weight DOUBLE COMMENT 'sum of c(u,v) into the person',
      given_weight DOUBLE COMMENT 'sum of b(u,v) out of the person',
      engagers BIGINT COMMENT 'distinct people who engaged with them in the window',
      posts BIGINT COMMENT 'posts in the window',
      acted_today BOOLEAN COMMENT 'did anything as actor on score_date',
      engaged_today BOOLEAN COMMENT 'someone else engaged with them on score_date (added with clout-2)',
      in_graph BOOLEAN COMMENT 'false for people out of the window who are drifting down',
      networks ARRAY<STRING> COMMENT 'networks the person was seen on in the window',
      model_version STRING COMMENT 'the model that computed the row (scoring.model-version)'
      """;

  public static final Table SCORES =
      new Table(
          "scores",
          "The score history, one row per person and day; change data feed on.",
          "score",
          SCORE_COLUMNS,
          "score_date",
          "score_date",
          List.of("person_id"),
          Map.of("delta.enableChangeDataFeed", "true"),
          List.of("person_id"));

  public static final Table SCORE_DRIVERS =
      new Table(
          "score_drivers",
          "What drove each score and its change, several rows per person and day.",
          "score",
          """
          score_date DATE COMMENT 'the day scored; partition column',
          person_id STRING COMMENT 'whose score',
          kind STRING COMMENT 'engager, post, new_engager (rank units); outreach (rank); model_change, inactivity_decay, drop_cap (points)',
          position INT COMMENT '1 = largest of its kind',
          driver_id STRING COMMENT 'the person id of the engager or the post id (null for the others)',
          value DOUBLE COMMENT 'the contribution, in unit',
          unit STRING COMMENT 'rank or points',
          share DOUBLE COMMENT 'for engagers and posts: the share of the propagated rank of the person'
          """,
          "score_date",
          "score_date",
          List.of("person_id", "driver_id"),
          Map.of(),
          List.of("person_id"));

  public static final Table CURRENT_SCORES =
      new Table(
          "current_scores",
          "The scores rows of the newest score_date, rewritten after each scoring run.",
          "score",
          SCORE_COLUMNS,
          null,
          null,
          List.of("person_id"),
          Map.of(),
          List.of());

  public static final Table MOMENTS =
      new Table(
          "moments",
          "Each person's top moments.top-k posts of the window, per day.",
          "moments",
          """
          score_date DATE COMMENT 'the day scored; partition column',
          person_id STRING COMMENT 'whose moment (the author of the post)',
          position INT COMMENT '1 = the top moment',
          network STRING COMMENT 'the network of the post',
          post_id STRING COMMENT 'the post',
          posted_at TIMESTAMP COMMENT 'when it was posted, if the window has its post event',
          moment_score DOUBLE COMMENT 'sum over its engagements of type weight x the score of the engager that day',
          engagements BIGINT COMMENT 'engagements received',
          distinct_engagers BIGINT COMMENT 'distinct people who engaged',
          likes BIGINT COMMENT 'likes received',
          comments BIGINT COMMENT 'comments received',
          replies BIGINT COMMENT 'replies received',
          shares BIGINT COMMENT 'shares received',
          mentions BIGINT COMMENT 'mentions received',
          first_engagement_at TIMESTAMP COMMENT 'first engagement',
          last_engagement_at TIMESTAMP COMMENT 'last engagement',
          engagers ARRAY<STRUCT<person_id: STRING, account_id: STRING, network: STRING, types: ARRAY<STRING>, engagements: BIGINT, score: DOUBLE>> COMMENT 'who engaged, highest score first (at most moments.max-engagers; distinct_engagers counts all), with their scores.score that day'
          """,
          "score_date",
          "score_date",
          List.of("person_id", "engagers.person_id", "engagers.account_id"),
          Map.of(),
          List.of("person_id"));

  public static final Table OUTREACH =
      new Table(
          "outreach",
          "Whom each person reached out to through comments, replies and mentions in the window.",
          "moments",
          """
          score_date DATE COMMENT 'the day scored; partition column',
          person_id STRING COMMENT 'who reached out',
          reached_id STRING COMMENT 'whom',
          reached_score DOUBLE COMMENT 'their score that day',
          comments BIGINT COMMENT 'comments to them',
          replies BIGINT COMMENT 'replies to them',
          mentions BIGINT COMMENT 'mentions of them',
          total BIGINT COMMENT 'comments + replies + mentions',
          first_at TIMESTAMP COMMENT 'first time',
          last_at TIMESTAMP COMMENT 'last time',
          answered BOOLEAN COMMENT 'whether reached_id engaged back (anything but a follow) at or after first_at',
          answered_at TIMESTAMP COMMENT 'when they first engaged back'
          """,
          "score_date",
          "score_date",
          List.of("person_id", "reached_id"),
          Map.of(),
          List.of("person_id"));

  public static final Table UNANSWERED_INFLUENCERS =
      new Table(
          "unanswered_influencers",
          "Influential engagers the person never answered, per day.",
          "moments",
          """
          score_date DATE COMMENT 'the day scored; partition column',
          person_id STRING COMMENT 'whose list',
          own_score DOUBLE COMMENT 'their score that day',
          engager_id STRING COMMENT 'the influencer',
          engager_score DOUBLE COMMENT 'the score of the influencer that day',
          threshold DOUBLE COMMENT 'the bar that applied',
          engagements BIGINT COMMENT 'engagements by the influencer',
          types ARRAY<STRING> COMMENT 'their types',
          first_engaged_at TIMESTAMP COMMENT 'first engagement',
          last_engaged_at TIMESTAMP COMMENT 'last engagement'
          """,
          "score_date",
          "score_date",
          List.of("person_id", "engager_id"),
          Map.of(),
          List.of("person_id"));

  public static final Table ENGAGEMENT_BREAKDOWN =
      new Table(
          "engagement_breakdown",
          "What works: engagement received in the window by network, type and hour, per day.",
          "moments",
          """
          score_date DATE COMMENT 'the day scored; partition column',
          person_id STRING COMMENT 'whose engagement',
          dimension STRING COMMENT 'network, engagement_type or hour_of_day',
          value STRING COMMENT 'the bucket within the dimension',
          engagements BIGINT COMMENT 'engagements received',
          engagers BIGINT COMMENT 'distinct engagers',
          weight DOUBLE COMMENT 'sum of type weights',
          weighted_by_score DOUBLE COMMENT 'sum of type weight x engager score (as in moment_score)'
          """,
          "score_date",
          "score_date",
          List.of("person_id"),
          Map.of(),
          List.of("person_id"));

  public static final Table PERK_ELIGIBILITY =
      new Table(
          "perk_eligibility",
          "Who holds which partner perk on a day, who newly does, who lost it, who waits for one.",
          "perks",
          """
          score_date DATE COMMENT 'the day; partition column',
          perk_id STRING COMMENT 'the perk (id in the perks catalog)',
          partner STRING COMMENT 'who offers it',
          person_id STRING COMMENT 'the person',
          score DOUBLE COMMENT 'their score that day (null if not scored)',
          min_score DOUBLE COMMENT 'the score the perk asks for (null if withdrawn)',
          status STRING COMMENT 'new, eligible (held the day before too), lost (held the day before, not today) or waitlisted (qualifies, quantity taken)',
          reason STRING COMMENT 'why it was lost: below_min_score, network, not_scored, quantity_taken, perk_expired, perk_withdrawn',
          allocation_rank INT COMMENT 'place among the qualifiers of the perk: highest score first, ties by person id',
          quantity INT COMMENT 'how many may hold the perk on a day (null: no limit)'
          """,
          "score_date",
          "score_date",
          List.of("person_id"),
          Map.of(),
          List.of());

  public static final Table MILESTONES =
      new Table(
          "milestones",
          "What to congratulate or nudge a person about, per day.",
          "perks",
          """
          score_date DATE COMMENT 'the day; partition column',
          person_id STRING COMMENT 'the person',
          kind STRING COMMENT 'band_up, band_down, personal_best, streak, streak_broken, moment_size',
          value DOUBLE COMMENT 'the new band (its lower bound), the new best, the streak length in days, or the moment size reached',
          previous_value DOUBLE COMMENT 'the band left, or the best before (null for the others)',
          post_id STRING COMMENT 'for moment_size: the post',
          detail STRING COMMENT 'the milestone in words'
          """,
          "score_date",
          "score_date",
          List.of("person_id"),
          Map.of(),
          List.of());

  /** Every table, in the order a day writes them. */
  public static final List<Table> ALL =
      List.of(
          REJECTED_EVENTS,
          IDENTITIES,
          ENGAGEMENTS,
          SCORE_DRIVERS,
          SCORES,
          CURRENT_SCORES,
          MOMENTS,
          OUTREACH,
          UNANSWERED_INFLUENCERS,
          ENGAGEMENT_BREAKDOWN,
          PERK_ELIGIBILITY,
          MILESTONES);

  /** A score's 10-point band (its lower bound, 0 to 90; 100 falls in 90), in Spark SQL. */
  static final String BAND = "CAST(LEAST(FLOOR(%s / 10) * 10, 90) AS INT)";

  public static final View CURRENT_SCORE_CHANGES =
      new View(
          "current_score_changes",
          "The newest day's scores with the change since the day before, in points and in rank.",
          List.of("current_scores", "scores"),
          """
          SELECT c.score_date, c.person_id, c.score, c.previous_score, c.score_change,
            c.rank, p.rank AS previous_rank, p.rank - c.rank AS rank_change,
            %s AS band, c.acted_today, c.networks, c.model_version
          FROM current_scores c
          LEFT JOIN scores p
            ON p.person_id = c.person_id AND p.score_date = date_sub(c.score_date, 1)
          """
              .formatted(BAND.formatted("c.score")),
          """
          score_date DATE COMMENT 'the newest day scored',
          person_id STRING COMMENT 'the person',
          score DOUBLE COMMENT 'the score that day, 1-100',
          previous_score DOUBLE COMMENT 'the score of the day before (null on a first day)',
          score_change DOUBLE COMMENT 'score - previous_score, in points',
          rank INT COMMENT 'position by score that day (1 = highest)',
          previous_rank INT COMMENT 'the rank of the day before (null if not scored then)',
          rank_change INT COMMENT 'previous_rank - rank: positive = moved up',
          band INT COMMENT 'the 10-point band of the score: 0, 10, ..., 90 (100 is in 90)',
          acted_today BOOLEAN COMMENT 'did anything as actor that day',
          networks ARRAY<STRING> COMMENT 'networks the person was seen on in the window',
          model_version STRING COMMENT 'the model that computed the score'
          """);

  /** How many people a day of {@link #TOP_MOVERS} lists in each direction. */
  public static final int TOP_MOVERS_PER_DIRECTION = 20;

  public static final View TOP_MOVERS =
      new View(
          "top_movers",
          "Each day's largest score rises and falls: up to "
              + TOP_MOVERS_PER_DIRECTION
              + " people per direction and day.",
          List.of("scores"),
          """
          SELECT score_date, direction, position, person_id, score, previous_score, score_change,
            rank
          FROM (
            SELECT score_date, 'up' AS direction,
              ROW_NUMBER() OVER (PARTITION BY score_date ORDER BY score_change DESC, person_id)
                AS position,
              person_id, score, previous_score, score_change, rank
            FROM scores WHERE score_change > 0
            UNION ALL
            SELECT score_date, 'down' AS direction,
              ROW_NUMBER() OVER (PARTITION BY score_date ORDER BY score_change ASC, person_id)
                AS position,
              person_id, score, previous_score, score_change, rank
            FROM scores WHERE score_change < 0
          ) movers
          WHERE position <= %d
          """
              .formatted(TOP_MOVERS_PER_DIRECTION),
          """
          score_date DATE COMMENT 'the day scored',
          direction STRING COMMENT 'up (score_change > 0) or down (< 0)',
          position INT COMMENT '1 = the largest move that way that day (ties by person_id)',
          person_id STRING COMMENT 'the person',
          score DOUBLE COMMENT 'the score that day',
          previous_score DOUBLE COMMENT 'the score of the day before',
          score_change DOUBLE COMMENT 'score - previous_score, in points',
          rank INT COMMENT 'position by score that day'
          """);

  public static final View SCORE_DISTRIBUTION =
      new View(
          "score_distribution",
          "How many people each 10-point score band holds, per day; every band has a row.",
          List.of("scores"),
          """
          SELECT d.score_date, b.band,
            CONCAT(CAST(b.band AS STRING), '-', CAST(b.band + 10 AS STRING)) AS band_label,
            COALESCE(c.people, CAST(0 AS BIGINT)) AS people,
            ROUND(COALESCE(c.people, CAST(0 AS BIGINT)) / d.total, 4) AS share
          FROM (SELECT score_date, COUNT(*) AS total FROM scores GROUP BY score_date) d
          CROSS JOIN (SELECT explode(sequence(0, 90, 10)) AS band) b
          LEFT JOIN (
            SELECT score_date, %s AS band, COUNT(*) AS people FROM scores GROUP BY 1, 2
          ) c ON c.score_date = d.score_date AND c.band = b.band
          """
              .formatted(BAND.formatted("score")),
          """
          score_date DATE COMMENT 'the day scored',
          band INT COMMENT 'the lower bound of the band: 0, 10, ..., 90',
          band_label STRING COMMENT 'the band as lower-upper, e.g. 40-50 (the upper bound is in the next band, except 100)',
          people BIGINT COMMENT 'people whose score that day is in the band (0 for an empty band)',
          share DOUBLE COMMENT 'people / everyone scored that day, four decimals'
          """);

  public static final View MOMENT_ENGAGERS =
      new View(
          "moment_engagers",
          "The moments table with its engagers exploded: one row per moment and engager.",
          List.of("moments"),
          """
          SELECT m.score_date, m.person_id, m.position, m.network, m.post_id, m.moment_score,
            engager_index + 1 AS engager_position,
            engager.person_id AS engager_id, engager.account_id AS engager_account_id,
            engager.network AS engager_network, engager.types AS engager_types,
            engager.engagements AS engager_engagements, engager.score AS engager_score
          FROM moments m LATERAL VIEW posexplode(m.engagers) x AS engager_index, engager
          """,
          """
          score_date DATE COMMENT 'the day scored',
          person_id STRING COMMENT 'whose moment (the author of the post)',
          position INT COMMENT 'the moment: 1 = the top moment',
          network STRING COMMENT 'the network of the post',
          post_id STRING COMMENT 'the post',
          moment_score DOUBLE COMMENT 'the moment score (moments.moment_score)',
          engager_position INT COMMENT '1 = the engager with the highest score',
          engager_id STRING COMMENT 'the person who engaged',
          engager_account_id STRING COMMENT 'the account they engaged from',
          engager_network STRING COMMENT 'its network',
          engager_types ARRAY<STRING> COMMENT 'how they engaged (like, comment, ...)',
          engager_engagements BIGINT COMMENT 'how many engagements',
          engager_score DOUBLE COMMENT 'their score that day'
          """);

  public static final View LATEST_UNANSWERED_INFLUENCERS =
      new View(
          "latest_unanswered_influencers",
          "The newest day of unanswered_influencers, with how far above the person each one is.",
          List.of("unanswered_influencers"),
          """
          SELECT u.score_date, u.person_id, u.own_score, u.engager_id, u.engager_score,
            u.engager_score - u.own_score AS score_gap, u.threshold, u.engagements, u.types,
            u.first_engaged_at, u.last_engaged_at
          FROM unanswered_influencers u
          WHERE u.score_date = (SELECT MAX(score_date) FROM unanswered_influencers)
          """,
          """
          score_date DATE COMMENT 'the newest day of unanswered_influencers',
          person_id STRING COMMENT 'whose list',
          own_score DOUBLE COMMENT 'their score that day',
          engager_id STRING COMMENT 'the influencer they never answered',
          engager_score DOUBLE COMMENT 'the score of the influencer that day',
          score_gap DOUBLE COMMENT 'engager_score - own_score, in points',
          threshold DOUBLE COMMENT 'the bar that applied',
          engagements BIGINT COMMENT 'engagements by the influencer',
          types ARRAY<STRING> COMMENT 'their types',
          first_engaged_at TIMESTAMP COMMENT 'first engagement',
          last_engaged_at TIMESTAMP COMMENT 'last engagement'
          """);

  /** Every curated view, in the order docs/tables.md shows them. */
  public static final List<View> VIEWS =
      List.of(
          CURRENT_SCORE_CHANGES,
          TOP_MOVERS,
          SCORE_DISTRIBUTION,
          MOMENT_ENGAGERS,
          LATEST_UNANSWERED_INFLUENCERS);

  private Tables() {}

  public static String path(CloutConfig config, Table table) {
    return stripSlash(config.paths().warehouse()) + "/" + table.name();
  }

  /** The table, if it has been written. */
  public static Optional<Dataset<Row>> find(SparkSession spark, CloutConfig config, Table table) {
    return Delta.read(spark, path(config, table));
  }

  /** The table, or no rows with its declared columns where nothing has written it yet. */
  public static Dataset<Row> read(SparkSession spark, CloutConfig config, Table table) {
    return find(spark, config, table).orElseGet(() -> empty(spark, table));
  }

  /** No rows, with the table's declared columns. */
  public static Dataset<Row> empty(SparkSession spark, Table table) {
    return spark.createDataFrame(List.of(), table.schema());
  }

  /**
   * The declared columns of {@code rows}, in order, each carrying its comment (so a created table
   * documents itself). A missing column or a type other than the declared one is a bug in the job
   * that built the rows, and fails here rather than in the table.
   */
  public static Dataset<Row> conform(Table table, Dataset<Row> rows) {
    StructType actual = rows.schema();
    List<Column> columns = new ArrayList<>();
    for (StructField declared : table.schema().fields()) {
      String name = declared.name();
      if (!List.of(actual.fieldNames()).contains(name)) {
        throw new IllegalStateException(
            "Cannot write " + table.name() + ": the rows have no column " + name);
      }
      String type = actual.apply(name).dataType().catalogString();
      if (!type.equals(declared.dataType().catalogString())) {
        throw new IllegalStateException(
            "Cannot write "
                + table.name()
                + ": column "
                + name
                + " is "
                + type
                + ", the catalog declares "
                + declared.dataType().catalogString());
      }
      columns.add(col(name).as(name, declared.metadata()));
    }
    return rows.select(columns.toArray(Column[]::new));
  }

  /**
   * Writes one run's rows: for a table with a day column, replaces exactly the rows of {@code day}
   * in one atomic commit (Delta replaceWhere); otherwise replaces the whole table. Creates the
   * table with its properties on first use.
   */
  public static void write(CloutConfig config, Table table, Dataset<Row> rows, LocalDate day) {
    var writer =
        conform(table, rows).write().format("delta").mode("overwrite").options(table.properties());
    if (table.partitionColumn() != null) {
      writer = writer.partitionBy(table.partitionColumn());
    }
    writer =
        table.dayColumn() != null
            // mergeSchema: a column the catalog added since the table was created is added to it.
            ? writer
                .option("replaceWhere", table.dayColumn() + " = '" + day + "'")
                .option("mergeSchema", "true")
            : writer.option("overwriteSchema", "true");
    writer.save(path(config, table));
    // The catalog of names (_catalog/catalog.json) lists every table; a new one is added here.
    Catalog.ensure(rows.sparkSession(), config, table);
  }

  /** Where run reports go: {@code <warehouse>/_reports/<job>/<date>.json}. */
  public static String reportPath(CloutConfig config, String job, String date) {
    return stripSlash(config.paths().warehouse()) + "/_reports/" + job + "/" + date + ".json";
  }

  /** A root path without its trailing slash, for joining with folder names. */
  public static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
