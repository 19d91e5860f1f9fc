package io.clout.jobs.score;

import java.util.Map;

/**
 * What one scoring run computed: graph size, how propagation ran, the score distribution, the
 * tables' versions and every parameter.
 */
public record ScoreReport(
    String date,
    String modelVersion,
    long events,
    long persons,
    long edges,
    String propagationPath,
    int iterations,
    long scored,
    Map<String, Double> scoreQuantiles,
    long scoresAtLeast80,
    Map<String, Long> tableVersions,
    long durationMs,
    Map<String, String> parameters) {

  public String summary() {
    return String.format(
        "score %s: %d persons scored from %d events, %d edges; propagation %s, %d iterations; median score %.2f, p90 %.2f, max %.2f",
        date,
        scored,
        events,
        edges,
        propagationPath,
        iterations,
        scoreQuantiles.getOrDefault("p50", 0.0),
        scoreQuantiles.getOrDefault("p90", 0.0),
        scoreQuantiles.getOrDefault("max", 0.0));
  }
}
