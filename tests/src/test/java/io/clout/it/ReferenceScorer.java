package io.clout.it;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.clout.common.config.CloutConfig;
import io.clout.common.scoring.Propagation;
import io.clout.common.scoring.ScoreMath;
import io.clout.common.scoring.ScoringParams;
import io.clout.jobs.Comparison;
import io.clout.jobs.Table;
import io.clout.jobs.Tables;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The model written as plain loops over events with {@code common/}'s math, deliberately naive and
 * independent of the Spark job: what {@code scores} must equal (docs/scoring.md).
 */
final class ReferenceScorer {
  /** One row of {@code engagements}, as much as scoring reads. */
  record Event(
      String network,
      String type,
      String actor,
      String target,
      LocalDate eventDate,
      LocalDate ingestDate) {}

  /** The expected {@code scores} columns of one person (nulls out of the graph, as the table). */
  record Expected(
      double score,
      double targetScore,
      Double propagatedRank,
      Double outreachBonus,
      Double givenWeight,
      boolean actedToday,
      boolean inGraph) {}

  private ReferenceScorer() {}

  /**
   * @param identities network + ":" + account to person
   * @param previous yesterday's published scores
   */
  static Map<String, Expected> score(
      List<Event> engagements,
      Map<String, String> identities,
      Map<String, Double> previous,
      LocalDate day,
      ScoringParams p) {
    LocalDate first = day.minusDays(p.windowDays() - 1L);
    Map<String, Long> posts = new HashMap<>();
    Set<String> people = new HashSet<>();
    Set<String> acted = new HashSet<>();
    Set<String> engaged = new HashSet<>();
    // (src, dst) -> (date -> sum of type weights that day)
    Map<List<String>, Map<LocalDate, Double>> pairDays = new TreeMap<>(ReferenceScorer::compare);
    for (Event e : engagements) {
      if (e.eventDate().isBefore(first)
          || e.eventDate().isAfter(day)
          || e.ingestDate().isAfter(day)) {
        continue;
      }
      String actor = person(identities, e.network(), e.actor());
      String target = e.target() == null ? null : person(identities, e.network(), e.target());
      people.add(actor);
      if (target != null) {
        people.add(target);
      }
      if (e.eventDate().equals(day)) {
        acted.add(actor);
      }
      if (e.type().equals("post")) {
        posts.merge(actor, 1L, Long::sum);
      } else if (target != null && !actor.equals(target)) {
        if (e.eventDate().equals(day)) {
          engaged.add(target);
        }
        pairDays
            .computeIfAbsent(List.of(actor, target), k -> new TreeMap<>())
            .merge(e.eventDate(), p.typeWeight(e.type()), Double::sum);
      }
    }
    Map<List<String>, Double> a = new LinkedHashMap<>();
    pairDays.forEach(
        (pair, days) -> {
          double sum = 0;
          for (Map.Entry<LocalDate, Double> d : days.entrySet()) {
            long age = ChronoUnit.DAYS.between(d.getKey(), day);
            sum +=
                ScoreMath.saturate(d.getValue(), p.pairDayCap())
                    * ScoreMath.decay(age, p.halfLifeDays());
          }
          a.put(pair, sum);
        });
    Map<String, Double> outTotal = new HashMap<>();
    Map<String, Double> given = new HashMap<>();
    Map<List<String>, Double> c = new LinkedHashMap<>();
    a.forEach(
        (pair, w) -> {
          double reverse = a.getOrDefault(List.of(pair.get(1), pair.get(0)), 0.0);
          double b = ScoreMath.mutualDiscount(w, reverse, p.mutualThreshold(), p.mutualPenalty());
          long dstPosts = posts.getOrDefault(pair.get(1), 0L);
          c.put(
              pair,
              b * ScoreMath.outputFactor(dstPosts, p.outputReferencePosts(), p.outputExponent()));
          outTotal.merge(pair.get(0), w, Double::sum);
          given.merge(pair.get(0), b, Double::sum);
        });

    // Propagation over the people the edges touch, as the job runs it.
    Map<String, Integer> index = new TreeMap<>();
    c.keySet().forEach(pair -> pair.forEach(id -> index.putIfAbsent(id, 0)));
    List<String> ids = new ArrayList<>(index.keySet());
    for (int i = 0; i < ids.size(); i++) {
      index.put(ids.get(i), i);
    }
    int[] src = new int[c.size()];
    int[] dst = new int[c.size()];
    double[] vote = new double[c.size()];
    double[] share = new double[c.size()];
    int k = 0;
    for (Map.Entry<List<String>, Double> e : c.entrySet()) {
      double out = outTotal.get(e.getKey().get(0));
      src[k] = index.get(e.getKey().get(0));
      dst[k] = index.get(e.getKey().get(1));
      vote[k] = e.getValue() / Math.max(p.voteFloor(), out);
      share[k] = e.getValue() / out;
      k++;
    }
    double d = p.damping();
    double[] rank;
    if (ScoringParams.TWO_HOP.equals(p.propagation())) {
      double[] firstOrder = new double[ids.size()];
      for (int e = 0; e < src.length; e++) {
        firstOrder[dst[e]] += d * (1 - d) * vote[e];
      }
      rank = new double[ids.size()];
      java.util.Arrays.fill(rank, 1 - d);
      for (int v = 0; v < ids.size(); v++) {
        rank[v] += firstOrder[v];
      }
      for (int e = 0; e < src.length; e++) {
        rank[dst[e]] += d * p.secondHopWeight() * share[e] * firstOrder[src[e]];
      }
    } else {
      rank =
          Propagation.run(ids.size(), src, dst, vote, d, p.tolerance(), p.maxIterations()).ranks();
    }

    Map<String, Expected> out = new TreeMap<>();
    for (String person : people) {
      Integer i = index.get(person);
      double r = i == null ? 1 - p.damping() : rank[i];
      double g = given.getOrDefault(person, 0.0);
      double bonus = ScoreMath.outreachBonus(g, p.outreachWeight(), p.outreachReference());
      double target = ScoreMath.calibrate(r + bonus, p);
      boolean didAct = acted.contains(person);
      boolean active = didAct || (p.engagedCountsAsActive() && engaged.contains(person));
      double score = ScoreMath.nextScore(previous.get(person), target, !active, p);
      out.put(person, new Expected(score, target, r, bonus, g, didAct, true));
    }
    previous.forEach(
        (person, before) -> {
          if (!out.containsKey(person) && before > ScoreMath.MIN_SCORE) {
            double score = ScoreMath.nextScore(before, ScoreMath.MIN_SCORE, true, p);
            out.put(
                person, new Expected(score, ScoreMath.MIN_SCORE, null, null, null, false, false));
          }
        });
    return out;
  }

  private static String person(Map<String, String> identities, String network, String account) {
    String mapped = identities.get(network + ":" + account);
    return mapped != null ? mapped : network + ":" + account;
  }

  private static int compare(List<String> x, List<String> y) {
    int c = x.get(0).compareTo(y.get(0));
    return c != 0 ? c : x.get(1).compareTo(y.get(1));
  }

  /**
   * Diffs the {@code scores} rows of {@code day} in the warehouse against this reference computed
   * from the warehouse's engagements, identities and the day before's scores: the model's terms to
   * 1e-6, the published two-decimal numbers to a cent.
   */
  static void assertScoresMatch(SparkSession spark, CloutConfig config, LocalDate day) {
    java.util.function.Function<Table, Dataset<Row>> table = t -> Tables.read(spark, config, t);
    List<Event> events =
        table.apply(Tables.ENGAGEMENTS).collectAsList().stream()
            .map(
                r ->
                    new Event(
                        r.getAs("network"),
                        r.getAs("type"),
                        r.getAs("actor_id"),
                        r.getAs("target_id"),
                        r.<java.sql.Date>getAs("event_date").toLocalDate(),
                        r.<java.sql.Date>getAs("ingest_date").toLocalDate()))
            .toList();
    Map<String, String> identities = new HashMap<>();
    for (Row r : table.apply(Tables.IDENTITIES).collectAsList()) {
      identities.put(r.getAs("network") + ":" + r.getAs("account_id"), r.getAs("person_id"));
    }
    Map<String, Double> previous = new HashMap<>();
    for (Row r :
        table
            .apply(Tables.SCORES)
            .where(col("score_date").equalTo(lit(day.minusDays(1).toString()).cast("date")))
            .collectAsList()) {
      previous.put(r.getAs("person_id"), r.getAs("score"));
    }
    Map<String, Expected> reference = score(events, identities, previous, day, config.scoring());
    List<Row> rows = new ArrayList<>();
    reference.forEach(
        (id, x) ->
            rows.add(
                RowFactory.create(
                    id,
                    x.score(),
                    x.targetScore(),
                    x.propagatedRank(),
                    x.outreachBonus(),
                    x.givenWeight(),
                    x.actedToday(),
                    x.inGraph())));
    Dataset<Row> expected =
        spark.createDataFrame(
            rows,
            StructType.fromDDL(
                "person_id STRING, score DOUBLE, target_score DOUBLE, propagated_rank DOUBLE,"
                    + " outreach_bonus DOUBLE, given_weight DOUBLE, acted_today BOOLEAN,"
                    + " in_graph BOOLEAN"));
    Dataset<Row> actual =
        table
            .apply(Tables.SCORES)
            .where(col("score_date").equalTo(lit(day.toString()).cast("date")))
            .select(expected.columns()[0], java.util.Arrays.copyOfRange(expected.columns(), 1, 8));
    assertThat(reference).hasSizeGreaterThan(50);
    // The model's terms to far below a visible digit; the published two-decimal numbers to a cent.
    Dataset<Row> terms =
        Comparison.sideBySide(
            actual.drop("score", "target_score"),
            expected.drop("score", "target_score"),
            1e-6,
            "person_id");
    assertThat(terms.collectAsList()).isEmpty();
    Dataset<Row> published =
        Comparison.sideBySide(
            actual.select("person_id", "score", "target_score"),
            expected.select("person_id", "score", "target_score"),
            0.0100001,
            "person_id");
    assertThat(published.collectAsList()).isEmpty();
  }
}
