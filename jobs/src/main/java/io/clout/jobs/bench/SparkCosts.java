package io.clout.jobs.bench;

import io.clout.jobs.Pipeline;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.StageInfo;

/**
 * Where a day's time goes: every Spark stage that ran, summed by the Clout stage that ran it (the
 * {@link Pipeline#STAGE_PROPERTY} its jobs carry), with its tasks, task time and bytes moved.
 */
final class SparkCosts extends SparkListener implements AutoCloseable {
  private final SparkContext sc;
  private final Map<Integer, String> cloutStageOf = new ConcurrentHashMap<>();
  private final Map<String, long[]> totals = new TreeMap<>();

  private SparkCosts(SparkContext sc) {
    this.sc = sc;
  }

  static SparkCosts start(SparkContext sc) {
    SparkCosts costs = new SparkCosts(sc);
    sc.addSparkListener(costs);
    return costs;
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted e) {
    Properties p = e.properties();
    String stage = p == null ? null : p.getProperty(Pipeline.STAGE_PROPERTY);
    cloutStageOf.put(e.stageInfo().stageId(), stage == null ? "other" : stage);
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted e) {
    StageInfo info = e.stageInfo();
    TaskMetrics m = info.taskMetrics();
    String stage = cloutStageOf.getOrDefault(info.stageId(), "other");
    synchronized (totals) {
      long[] t = totals.computeIfAbsent(stage, k -> new long[7]);
      t[0]++;
      t[1] += info.numTasks();
      if (m != null) {
        t[2] += m.executorRunTime();
        t[3] += m.shuffleReadMetrics().totalBytesRead();
        t[4] += m.shuffleWriteMetrics().bytesWritten();
        t[5] += m.inputMetrics().bytesRead();
        t[6] += m.outputMetrics().bytesWritten();
      }
    }
  }

  /** The totals so far, once the listener bus has delivered every event. */
  Map<String, BenchResult.SparkCost> byStage() {
    try {
      sc.listenerBus().waitUntilEmpty();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot read the Spark stage costs: " + e.getMessage(), e);
    }
    Map<String, BenchResult.SparkCost> out = new TreeMap<>();
    synchronized (totals) {
      totals.forEach(
          (stage, t) ->
              out.put(
                  stage,
                  new BenchResult.SparkCost(
                      (int) t[0], t[1], Bench.round(t[2] / 1000.0), t[3], t[4], t[5], t[6])));
    }
    return out;
  }

  @Override
  public void close() {
    sc.removeSparkListener(this);
  }
}
