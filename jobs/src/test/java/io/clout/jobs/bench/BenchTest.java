package io.clout.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.clout.common.scoring.Propagation;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BenchTest {
  @Test
  void theFloorComputesWhatPropagationComputesOnTheUnweightedForm() {
    int n = 500;
    Random rnd = new Random(3);
    int m = 4000;
    int[] src = new int[m + n];
    int[] dst = new int[m + n];
    for (int v = 0; v < n; v++) {
      src[v] = v;
      dst[v] = (v + 1) % n;
    }
    for (int e = n; e < m + n; e++) {
      src[e] = rnd.nextInt(n);
      dst[e] = (int) (n * Math.pow(rnd.nextDouble(), 3));
    }
    int[] out = new int[n];
    for (int s : src) {
      out[s]++;
    }
    double[] p = new double[src.length];
    for (int e = 0; e < src.length; e++) {
      p[e] = 1.0 / out[src[e]];
    }
    double[] expected = Propagation.run(n, src, dst, p, 0.85, 0, 20).ranks();
    double[] floor = new SingleThreadPageRank(n, src, dst).run(0.85, 20);
    for (int v = 0; v < n; v++) {
      assertThat(floor[v]).as("vertex %d", v).isCloseTo(expected[v], within(1e-9));
    }
  }

  @Test
  void targetsAreJudgedOnTheMeasuredRatiosAndUnmetOnesSayWhy() {
    Map<String, Object> result =
        Map.of(
            "propagation_vs_graphx",
            Map.of("ratio", 0.4),
            "propagation_vs_single_thread",
            Map.of("ratio", 7.5, "clout_string_ids_s", 12.5, "ratio_string_ids", 9.1),
            "scaling_10m_over_1m",
            Map.of("ratio", 12.0, "size_ratio", 10.0),
            "ingest_events_per_s",
            310_000L,
            "ingest_plain_json_to_delta_events_per_s",
            250_000L,
            "peak_heap_bytes",
            5L << 30);
    List<Map<String, Object>> t = BenchReport.targets(result);
    assertThat(t).extracting(x -> x.get("met")).containsExactly(true, false, true, false, false);
    assertThat(t.get(1).get("why_not").toString()).contains("12.50 s (9.10x the floor)");
    assertThat(t.get(0)).doesNotContainKey("why_not");
    assertThat(t.get(3).get("target").toString()).contains("<= 11.0x");
  }
}
