package io.clout.it;

import io.clout.common.scoring.Propagation;
import io.clout.common.scoring.ScoreMath;
import io.clout.common.scoring.ScoringParams;
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
    double[] prob = new double[c.size()];
    int k = 0;
    for (Map.Entry<List<String>, Double> e : c.entrySet()) {
      src[k] = index.get(e.getKey().get(0));
      dst[k] = index.get(e.getKey().get(1));
      prob[k] = e.getValue() / outTotal.get(e.getKey().get(0));
      k++;
    }
    double[] rank =
        Propagation.run(ids.size(), src, dst, prob, p.damping(), p.tolerance(), p.maxIterations())
            .ranks();

    Map<String, Expected> out = new TreeMap<>();
    for (String person : people) {
      Integer i = index.get(person);
      double r = i == null ? 1 - p.damping() : rank[i];
      double g = given.getOrDefault(person, 0.0);
      double bonus = ScoreMath.outreachBonus(g, p.outreachWeight(), p.outreachReference());
      double target = ScoreMath.calibrate(r + bonus, p);
      boolean didAct = acted.contains(person);
      double score = ScoreMath.nextScore(previous.get(person), target, !didAct, p);
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
}
