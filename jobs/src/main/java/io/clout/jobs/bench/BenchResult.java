package io.clout.jobs.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What {@code ./clout bench} measured, written as bench.json by Jackson (snake_case keys) and read
 * by {@link BenchReport} for the Markdown report. docs/benchmarks.md explains each figure.
 */
public record BenchResult(
    String mode,
    Machine machine,
    VsGraphx propagationVsGraphx,
    VsSingleThread propagationVsSingleThread,
    long ingestEventsPerS,
    long ingestPlainJsonToDeltaEventsPerS,
    IngestCold ingestCold,
    @JsonProperty("scaling_10m_over_1m") Scaling scaling,
    long peakHeapBytes,
    List<Workload> workloads,
    List<Target> targets,
    Distributed distributedPropagation,
    double ingestVsPlainWrite,
    double ingestColdVsPlainWrite,
    double dailyVsPlainWrite,
    double scoreVsPlainWrite,
    double momentsVsPlainWrite,
    double propagationDailyIdsVsSingleThread,
    double distributedVsGraphx) {

  /**
   * Where the bench ran; {@code dailyMaxHeapBytes} is the max heap of the JVM of their own the
   * daily workloads ran in.
   */
  public record Machine(
      int cores,
      long memoryBytes,
      long maxHeapBytes,
      String jvm,
      String os,
      String spark,
      Map<String, String> sparkConf,
      long dailyMaxHeapBytes) {}

  /** The daily workloads and the max heap of the JVM that ran them. */
  public record Days(long maxHeapBytes, List<Workload> workloads) {}

  /** One generated day through the daily pipeline, then its ingest again (warm). */
  public record Workload(
      long eventsTarget,
      int persons,
      long lines,
      double generateS,
      double ingestS,
      double scoreS,
      double momentsS,
      double dailyS,
      long ingestEventsPerS,
      long accepted,
      long edges,
      double ingestWarmS,
      long ingestWarmEventsPerS,
      long peakHeapBytes,
      long peakHeapUsedBytes,
      long peakRssBytes,
      double plainJsonToDeltaS,
      long plainJsonToDeltaEventsPerS,
      Map<String, SparkCost> sparkByStage) {}

  /**
   * The Spark stages one Clout stage ran: how many, their tasks, the tasks' run time, and the bytes
   * they shuffled, read from files and wrote.
   */
  public record SparkCost(
      int sparkStages,
      long tasks,
      double taskS,
      long shuffleReadBytes,
      long shuffleWriteBytes,
      long inputBytes,
      long outputBytes) {}

  public record Graph(long vertices, long edges, int iterations, double damping) {}

  public record VsGraphx(
      double ratio,
      double cloutS,
      double cloutStringIdsS,
      double graphxBestS,
      int graphxBestPartitions,
      @JsonProperty("graphx_s_by_partitions") Map<String, Double> graphxSByPartitions,
      double maxAbsDifference,
      Graph graph) {}

  public record VsSingleThread(
      double ratio,
      double cloutS,
      double cloutStringIdsS,
      double ratioStringIds,
      double floorS,
      double floorBuildS,
      double floorIterateS,
      double floorCollectEdgesS,
      double ratioWithCollect,
      double maxAbsDifference,
      Graph graph) {}

  /**
   * {@code Propagator.distributed} (the path above {@code scoring.local-max-edges}) on the bench
   * graph with string ids, as the daily job passes person ids.
   */
  public record Distributed(double seconds, int iterations, double maxAbsDifferenceToGraphx) {}

  public record IngestCold(long events, double seconds, long eventsPerS) {}

  public record Scaling(double ratio, long smallEvents, long largeEvents, double sizeRatio) {}

  /** A target: what it asks, what was measured, whether it is met and, if not, why. */
  public record Target(
      String target,
      String goal,
      double measured,
      boolean met,
      @JsonInclude(JsonInclude.Include.NON_NULL) String whyNot) {}

  /** The same result with its targets judged. */
  BenchResult withTargets(List<Target> judged) {
    return new BenchResult(
        mode,
        machine,
        propagationVsGraphx,
        propagationVsSingleThread,
        ingestEventsPerS,
        ingestPlainJsonToDeltaEventsPerS,
        ingestCold,
        scaling,
        peakHeapBytes,
        workloads,
        judged,
        distributedPropagation,
        ingestVsPlainWrite,
        ingestColdVsPlainWrite,
        dailyVsPlainWrite,
        scoreVsPlainWrite,
        momentsVsPlainWrite,
        propagationDailyIdsVsSingleThread,
        distributedVsGraphx);
  }
}
