package io.clout.jobs.score;

import static io.clout.jobs.TestSpark.df;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.clout.common.config.ConfigLoader;
import io.clout.common.scoring.Rounding;
import io.clout.common.scoring.ScoreMath;
import io.clout.common.scoring.ScoringParams;
import io.clout.jobs.Tables;
import io.clout.jobs.TestSpark;
import io.clout.jobs.window.InteractionWindow;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The graph and score transforms on hand-built engagements, checked against ScoreMath. */
class ScoreTransformsTest {
  // clout-1's mechanics (outreach bonus, PageRank, idle step); Clout2PipelineTest covers clout-2.
  static final ScoringParams P =
      ConfigLoader.load(null, Map.of("scoring.model-version", "clout-1"), Map.of()).scoring();
  static final LocalDate DAY = LocalDate.parse("2026-01-10");
  static final String ENGAGEMENTS = Tables.ENGAGEMENTS.ddl();
  static Dataset<Row> events;
  static Map<String, Row> edges;

  static String e(String id, String type, String actor, String target, String post, String date) {
    return String.format(
        "{\"network\":\"%s\",\"event_id\":\"%s\",\"type\":\"%s\",\"actor_id\":\"%s\",\"target_id\":%s,\"post_id\":%s,\"event_date\":\"%s\",\"ingest_date\":\"%s\"}",
        actor.startsWith("fb") ? "facebook" : "twitter",
        id,
        type,
        actor,
        target == null ? "null" : "\"" + target + "\"",
        post == null ? "null" : "\"" + post + "\"",
        date,
        date);
  }

  @BeforeAll
  static void build() {
    Dataset<Row> engagements =
        df(
            ENGAGEMENTS,
            e("1", "post", "twB", null, "p1", "2026-01-10"),
            e("2", "share", "twA", "twB", "p1", "2026-01-10"),
            // A hundred likes in a day from C saturate: no more than the cap.
            e("3", "like", "twC", "twB", "p1", "2026-01-10"),
            e("4", "like", "twC", "twB", "p1", "2026-01-10"),
            // B's facebook account is B too: fbB -> twB is B engaging B, no edge.
            e("5", "comment", "fbB", "fbX", "p9", "2026-01-10"),
            e("6", "mention", "twB", "twB2", null, "2026-01-10"),
            // Thirty days old: half weight. Out of the window: nothing.
            e("7", "share", "twD", "twB", "p0", "2025-12-11"),
            e("8", "share", "twD", "twB", "p0", "2025-10-01"),
            // Delivered after the scoring day: not seen by this day's run.
            "{\"network\":\"twitter\",\"event_id\":\"9\",\"type\":\"share\",\"actor_id\":\"twE\",\"target_id\":\"twB\",\"post_id\":\"p1\",\"event_date\":\"2026-01-10\",\"ingest_date\":\"2026-01-11\"}");
    Dataset<Row> identities =
        df(
            Tables.IDENTITIES.ddl(),
            "{\"network\":\"twitter\",\"account_id\":\"twB\",\"person_id\":\"B\"}",
            "{\"network\":\"twitter\",\"account_id\":\"twB2\",\"person_id\":\"B\"}",
            "{\"network\":\"facebook\",\"account_id\":\"fbB\",\"person_id\":\"B\"}");
    events = InteractionWindow.resolve(engagements, identities, DAY, P);
    edges = new HashMap<>();
    for (Row r : InfluenceGraph.edges(events, DAY, P).collectAsList()) {
      edges.put(r.<String>getAs("src") + ">" + r.<String>getAs("dst"), r);
    }
  }

  @Test
  void edgesMergeAccountsDropSelfEngagementAndRespectTheWindowAndDelivery() {
    assertThat(edges.keySet())
        .containsExactlyInAnyOrder(
            "twitter:twA>B", "twitter:twC>B", "twitter:twD>B", "B>facebook:fbX");
    assertThat(edges.get("twitter:twA>B").<Double>getAs("a"))
        .isCloseTo(ScoreMath.saturate(1.0, P.pairDayCap()), within(1e-12));
    assertThat(edges.get("twitter:twC>B").<Double>getAs("a"))
        .isCloseTo(ScoreMath.saturate(0.4, P.pairDayCap()), within(1e-12));
    assertThat(edges.get("twitter:twD>B").<Double>getAs("a"))
        .isCloseTo(
            ScoreMath.saturate(1.0, P.pairDayCap()) * ScoreMath.decay(30, P.halfLifeDays()),
            within(1e-12));
    // Each engager gives all its weight to B, so each passes its whole rank.
    assertThat(edges.get("twitter:twA>B").<Double>getAs("p")).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void scoresFollowScoreMathForEveryRow() {
    Dataset<Row> edgeRows = InfluenceGraph.edges(events, DAY, P);
    Dataset<Row> ranks = ranks(edgeRows);
    Dataset<Row> nodes = InfluenceGraph.nodes(events, edgeRows, DAY);
    Dataset<Row> previous =
        df(
            "person_id STRING, score DOUBLE",
            "{\"person_id\":\"B\",\"score\":12.5}",
            "{\"person_id\":\"twitter:twA\",\"score\":40.0}",
            "{\"person_id\":\"gone\",\"score\":2.0}",
            "{\"person_id\":\"faded\",\"score\":1.0}");
    List<Row> scores = ScoreTransforms.scores(nodes, ranks, previous, DAY, P).collectAsList();
    Map<String, Row> by = new HashMap<>();
    scores.forEach(r -> by.put(r.getAs("person_id"), r));
    // Someone at the floor and out of the window leaves the table; someone above it drifts down.
    assertThat(by).doesNotContainKey("faded").containsKey("gone");
    assertThat(by.get("gone").<Double>getAs("score")).isEqualTo(1.0);
    // B: rank = 0.15 + 0.85 (rank of A + C + D) with each of them at 0.15.
    assertThat(by.get("B").<Double>getAs("propagated_rank"))
        .isCloseTo(0.15 + 0.85 * 3 * 0.15, within(1e-9));
    for (Row r : scores) {
      String who = r.getAs("person_id");
      double target = r.getAs("target_score");
      if (r.<Boolean>getAs("in_graph")) {
        assertThat(target)
            .as(who)
            .isEqualTo(ScoreMath.calibrate(r.<Double>getAs("raw_influence"), P));
        assertThat(r.<Double>getAs("outreach_bonus"))
            .as(who)
            .isCloseTo(
                ScoreMath.outreachBonus(
                    r.getAs("given_weight"), P.outreachWeight(), P.outreachReference()),
                within(1e-12));
      }
      Double prev = r.getAs("previous_score");
      double expected = ScoreMath.nextScore(prev, target, !r.<Boolean>getAs("acted_today"), P);
      assertThat(r.<Double>getAs("score")).as(who).isEqualTo(expected);
      if (prev != null) {
        // The change adds up from its parts.
        double parts =
            (target - prev)
                + r.<Double>getAs("inactivity_adjustment")
                + r.<Double>getAs("drop_cap_adjustment");
        assertThat(r.<Double>getAs("score_change")).as(who).isCloseTo(parts, within(1e-9));
      }
    }
    // A's score was 40 and A acted today but the model says far less: the fall is capped.
    assertThat(by.get("twitter:twA").<Double>getAs("score")).isEqualTo(40.0 - P.maxDailyDrop());
    assertThat(by.get("B").<Integer>getAs("rank")).isPositive();
  }

  @Test
  void driversAreEachEngagersContributionItsPostsPartsAndTodaysPart() {
    Dataset<Row> edgeRows = InfluenceGraph.edges(events, DAY, P);
    Dataset<Row> ranks = ranks(edgeRows);
    Dataset<Row> nodes = InfluenceGraph.nodes(events, edgeRows, DAY);
    Dataset<Row> none = df("person_id STRING, score DOUBLE");
    Dataset<Row> scores = ScoreTransforms.unranked(nodes, ranks, none, DAY, P);
    Map<String, Double> rank = new HashMap<>();
    ranks.collectAsList().forEach(r -> rank.put(r.getAs("person_id"), r.getAs("rank")));
    // What each engager passed: d p r(src), to 12 decimals.
    Map<String, Double> passed = new HashMap<>();
    edges.forEach(
        (pair, e) ->
            passed.put(
                pair,
                Rounding.halfEven(
                    P.damping() * e.<Double>getAs("p") * rank.get(e.<String>getAs("src")), 12)));
    // Each pair's engagements in the window, by post and by day, from the fixture: a post's part
    // of a pair's contribution is its share of the pair's weight, and so is today's part.
    Map<String, Double> expected = new HashMap<>();
    Map<String, Double> pairWeight = new HashMap<>();
    List<Row> between = InteractionWindow.between(events).collectAsList();
    for (Row r : between) {
      pairWeight.merge(pair(r), r.<Double>getAs("weight"), Double::sum);
    }
    for (Row r : between) {
      String dst = r.getAs("target_person");
      double part = passed.get(pair(r)) * r.<Double>getAs("weight") / pairWeight.get(pair(r));
      expected.put(dst + " engager " + r.getAs("actor_person"), passed.get(pair(r)));
      if (r.getAs("post_id") != null) {
        expected.merge(dst + " post " + r.getAs("post_id"), part, Double::sum);
      }
      if (r.<Integer>getAs("age_days") == 0) {
        expected.merge(dst + " new_engager " + r.getAs("actor_person"), part, Double::sum);
      }
    }
    Map<String, Double> got = new HashMap<>();
    Map<String, Double> shares = new HashMap<>();
    List<Row> rows =
        ScoreTransforms.drivers(edgeRows, ranks, events, scores, DAY, P)
            .where(functions.col("kind").isin("engager", "post", "new_engager"))
            .collectAsList();
    for (Row r : rows) {
      String key = r.getAs("person_id") + " " + r.getAs("kind") + " " + r.getAs("driver_id");
      got.put(key, r.getAs("value"));
      shares.put(key, r.getAs("share"));
    }
    // B's engagers A, C and D; its posts p1 (A and C, today) and p0 (D, thirty days ago); D is
    // not new today. fbX's engager B, on fbX's post p9.
    assertThat(rows).hasSize(got.size());
    assertThat(got.keySet())
        .containsExactlyInAnyOrderElementsOf(expected.keySet())
        .contains("B post p0", "B post p1", "B new_engager twitter:twA")
        .doesNotContain("B new_engager twitter:twD");
    expected.forEach(
        (key, value) -> assertThat(got.get(key)).as(key).isCloseTo(value, within(1e-12)));
    // A driver's share is its part of its person's total of its kind (every driver is kept here:
    // no person has more than drivers-per-person of a kind).
    for (String key : got.keySet()) {
      String personKind = key.substring(0, key.indexOf(' ', key.indexOf(' ') + 1));
      double total =
          got.entrySet().stream()
              .filter(e -> e.getKey().startsWith(personKind + " "))
              .mapToDouble(Map.Entry::getValue)
              .sum();
      assertThat(shares.get(key)).as(key).isCloseTo(got.get(key) / total, within(1e-9));
    }
  }

  @Test
  void topKeepsTheHighestDriversOfEachKindTiesByIdWithTheirShareOfAllOfThem() {
    ScoringParams two =
        ConfigLoader.load(
                null,
                Map.of("scoring.model-version", "clout-1", "scoring.drivers-per-person", "2"),
                Map.of())
            .scoring();
    Dataset<Row> drivers =
        df(
            "person_id STRING, kind STRING, driver_id STRING, value DOUBLE",
            driver("A", "engager", "e3", 0.3),
            driver("A", "engager", "e1", 0.5),
            driver("A", "engager", "e2", 0.3),
            driver("A", "engager", "e0", 0.1),
            driver("A", "post", "p2", 0.4),
            driver("A", "post", "p0", 0.1),
            driver("A", "post", "p1", 0.4),
            // Nothing passed: no share.
            driver("B", "engager", "e9", 0.0));
    List<String> got =
        ScoreTransforms.top(drivers, two).collectAsList().stream()
            .map(
                r ->
                    String.join(
                        " ",
                        r.<String>getAs("person_id"),
                        r.<String>getAs("kind"),
                        String.valueOf(r.<Integer>getAs("position")),
                        r.<String>getAs("driver_id"),
                        String.valueOf(r.<Double>getAs("value")),
                        r.<String>getAs("unit"),
                        String.valueOf(r.<Double>getAs("share"))))
            .toList();
    // Two of each kind, highest first, ties by driver id; each share is of all the kind's drivers
    // (1.2 for A's engagers, 0.9 for its posts), to nine decimals.
    assertThat(got)
        .containsExactlyInAnyOrder(
            "A engager 1 e1 0.5 rank " + Rounding.halfEven(0.5 / 1.2, 9),
            "A engager 2 e2 0.3 rank " + Rounding.halfEven(0.3 / 1.2, 9),
            "A post 1 p1 0.4 rank " + Rounding.halfEven(0.4 / 0.9, 9),
            "A post 2 p2 0.4 rank " + Rounding.halfEven(0.4 / 0.9, 9),
            "B engager 1 e9 0.0 rank null");
  }

  private static String driver(String person, String kind, String id, double value) {
    return String.format(
        "{\"person_id\":\"%s\",\"kind\":\"%s\",\"driver_id\":\"%s\",\"value\":%s}",
        person, kind, id, value);
  }

  @Test
  void weightReceivedIsTheSameInEveryEdgeOrder() {
    // 100,000 engagers of B: a plain sum of their weights depends on the order in its ninth
    // decimal.
    Dataset<Row> many =
        TestSpark.spark()
            .range(100_000)
            .selectExpr(
                "id",
                "concat('s', id) src",
                "'B' dst",
                "(id * 0.6180339887498949D % 1D) * 0.9D b",
                "(id * 0.6180339887498949D % 1D) * 1.7D c");
    List<Dataset<Row>> orders = inTwoOrders(many);
    Dataset<Row> byId = orders.get(0);
    Dataset<Row> byHash = orders.get(1);
    double plainById = byId.agg(functions.sum("c")).first().getDouble(0);
    double plainByHash = byHash.agg(functions.sum("c")).first().getDouble(0);
    assertThat(Rounding.halfEven(plainById, 9)).isNotEqualTo(Rounding.halfEven(plainByHash, 9));
    BigDecimal exact = BigDecimal.ZERO;
    for (Row r : many.select("c").collectAsList()) {
      exact = exact.add(new BigDecimal(r.getDouble(0)));
    }
    double expected = exact.setScale(9, RoundingMode.HALF_EVEN).doubleValue();
    double given7 = Rounding.halfEven(many.where("id = 7").first().<Double>getAs("b"), 9);
    for (Dataset<Row> edgesInOrder : List.of(byId, byHash)) {
      Map<String, Row> nodes = new HashMap<>();
      InfluenceGraph.nodes(events.limit(0), edgesInOrder, DAY)
          .where(functions.col("person_id").isin("B", "s7"))
          .collectAsList()
          .forEach(r -> nodes.put(r.getAs("person_id"), r));
      // B receives from everyone and gives nothing; s7 gives its one edge's b and receives nothing.
      assertThat(nodes.get("B").<Double>getAs("received_weight")).isEqualTo(expected);
      assertThat(nodes.get("B").<Double>getAs("given_weight")).isEqualTo(0.0);
      assertThat(nodes.get("B").<Long>getAs("engagers")).isEqualTo(100_000L);
      assertThat(nodes.get("s7").<Double>getAs("given_weight")).isEqualTo(given7);
      assertThat(nodes.get("s7").<Double>getAs("received_weight")).isEqualTo(0.0);
      assertThat(nodes.get("s7").<Long>getAs("engagers")).isEqualTo(0L);
    }
  }

  @Test
  void twoHopRanksAreTheExactSumsInEveryEdgeOrder() {
    // F engages 100,000 people u (vote p), each of whom engages C (vote p, share q): C's
    // first-order rank sums 100,000 votes and its relayed rank 100,000 shares of first-order
    // ranks. As plain doubles both sums move with the order in their twelfth decimal. H's vote of
    // a million for K, and K's share of 0.9 to C, are beyond a long of 10^-15 units.
    ScoringParams p2 =
        ConfigLoader.load(null, Map.of("scoring.model-version", "clout-2"), Map.of()).scoring();
    Dataset<Row> relays =
        TestSpark.spark()
            .range(100_000)
            .selectExpr(
                "concat('u', id) u",
                "(id * 0.6180339887498949D % 1D) * 0.9D + 0.1D pf",
                "(id * 0.7548776662466927D % 1D) * 0.9D + 0.1D pc",
                "(id * 0.5698402909980532D % 1D) * 0.9D + 0.1D q")
            .union(TestSpark.spark().range(1).selectExpr("'K'", "1e6D", "0.5D", "0.9D"));
    Dataset<Row> edges =
        relays
            .selectExpr("IF(u = 'K', 'H', 'F') src", "u dst", "pf p", "1D / 100000 q")
            .union(relays.selectExpr("u", "'C'", "pc", "q"))
            .withColumn("id", functions.monotonically_increasing_id());
    double d = p2.damping();
    List<Double> votes = new ArrayList<>();
    List<Double> relayed = new ArrayList<>();
    for (Row r : relays.collectAsList()) {
      double x1 = Rounding.halfEven(unitsSum(List.of(r.getDouble(1))) * (d * (1 - d)), 12);
      votes.add(r.getDouble(2));
      relayed.add(r.getDouble(3) * x1);
    }
    double firstC = Rounding.halfEven(unitsSum(votes) * (d * (1 - d)), 12);
    double second = Rounding.halfEven(unitsSum(relayed) * (d * p2.secondHopWeight()), 12);
    double expected = Rounding.halfEven(1 - d + firstC + second, 12);
    for (Dataset<Row> inOrder : inTwoOrders(edges)) {
      Row c =
          TwoHop.ranks(inOrder.drop("id"), p2)
              .where(functions.col("person_id").equalTo("C"))
              .first();
      assertThat(c.<Double>getAs("first_order")).isEqualTo(firstC);
      assertThat(c.<Double>getAs("rank")).isEqualTo(expected);
    }
  }

  /**
   * The rows in one partition, by id and by its hash, checkpointed: Spark drops a sort that only an
   * aggregate reads, so sorting alone would not change the order the aggregate sees.
   */
  private static List<Dataset<Row>> inTwoOrders(Dataset<Row> rows) {
    return List.of(
        rows.repartition(1).sortWithinPartitions("id").localCheckpoint(),
        rows.repartition(1)
            .sortWithinPartitions(functions.xxhash64(functions.col("id")))
            .localCheckpoint());
  }

  /** What {@link Rounded#exactSum} gives at 10^-15, in plain Java. */
  private static double unitsSum(List<Double> xs) {
    BigDecimal units = BigDecimal.ZERO;
    for (double x : xs) {
      units = units.add(RoundedTest.units(x, 15));
    }
    return units.doubleValue() / 1e15;
  }

  /** The fixture's ranks, iterated to convergence, with no first-order rank (clout-1). */
  private static Dataset<Row> ranks(Dataset<Row> edgeRows) {
    return Propagator.inMemory(
            edgeRows, new Propagator.Settings(P.damping(), 1e-12, 200, 10, Long.MAX_VALUE))
        .withColumn("first_order", functions.lit(null).cast("double"));
  }

  private static String pair(Row r) {
    return r.<String>getAs("actor_person") + ">" + r.<String>getAs("target_person");
  }

  @Test
  void rankIsTheRowNumberInScoreOrderOverTheWholeTableAndPerGroup() {
    // Many rows per score, equal and missing raw influences, missing scores, two groups, spread
    // over partitions.
    Random random = new Random(7);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      String score =
          random.nextInt(50) == 0 ? "null" : Double.toString(1 + random.nextInt(40) / 4.0);
      String raw = random.nextInt(5) == 0 ? "null" : Double.toString(random.nextInt(6) / 8.0);
      lines.add(
          String.format(
              "{\"g\":\"%s\",\"person_id\":\"p%d\",\"score\":%s,\"raw_influence\":%s}",
              random.nextBoolean() ? "a" : "b", random.nextInt(1_000_000), score, raw));
    }
    Dataset<Row> rows =
        df(
                "g STRING, person_id STRING, score DOUBLE, raw_influence DOUBLE",
                lines.toArray(String[]::new))
            .dropDuplicates("person_id")
            .repartition(4);
    Comparator<Row> byScore =
        Comparator.comparing(
            r -> r.<Double>getAs("score"), Comparator.nullsLast(Comparator.<Double>reverseOrder()));
    assertRowNumbers(
        ScoreTransforms.withRank(rows),
        "rank",
        rows,
        r -> "all",
        byScore
            .thenComparing(
                r -> r.<Double>getAs("raw_influence"),
                Comparator.nullsLast(Comparator.<Double>reverseOrder()))
            .thenComparing(r -> r.<String>getAs("person_id")));
    assertRowNumbers(
        ScoreTransforms.rankByScore(rows, "place", List.of("g"), functions.col("person_id")),
        "place",
        rows,
        r -> r.getAs("g"),
        byScore.thenComparing(r -> r.<String>getAs("person_id")));
  }

  /** Each row of {@code ranked} has, in {@code column}, its place in its group's sorted rows. */
  private static void assertRowNumbers(
      Dataset<Row> ranked,
      String column,
      Dataset<Row> rows,
      Function<Row, String> group,
      Comparator<Row> order) {
    Map<String, Integer> got = new HashMap<>();
    for (Row r : ranked.collectAsList()) {
      got.put(r.getAs("person_id"), r.getAs(column));
    }
    List<Row> all = rows.collectAsList();
    assertThat(got).hasSize(all.size());
    Map<String, List<Row>> groups = new HashMap<>();
    for (Row r : all) {
      groups.computeIfAbsent(group.apply(r), k -> new ArrayList<>()).add(r);
    }
    for (List<Row> members : groups.values()) {
      members.sort(order);
      for (int i = 0; i < members.size(); i++) {
        assertThat(got.get(members.get(i).<String>getAs("person_id"))).isEqualTo(i + 1);
      }
    }
  }
}
