package io.clout.jobs;

import java.io.PrintStream;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;
import org.apache.spark.sql.SparkSession;

/**
 * A progress line every few seconds while a stage runs long: which Clout stage, and the Spark
 * stages active with their finished and total tasks. Quiet for stages shorter than the period. It
 * also labels the stage's Spark jobs ({@link Pipeline#STAGE_PROPERTY} and their description).
 */
final class Progress implements AutoCloseable {
  private static final long PERIOD_MS = Long.getLong("clout.progress.ms", 15_000);
  private final Thread thread;
  private final SparkContext sc;
  private final long started = System.nanoTime();
  private volatile String stage = "";
  private volatile boolean running = true;

  private Progress(SparkSession spark, PrintStream out) {
    sc = spark.sparkContext();
    SparkStatusTracker tracker = sc.statusTracker();
    thread =
        new Thread(
            () -> {
              while (running) {
                try {
                  Thread.sleep(PERIOD_MS);
                } catch (InterruptedException e) {
                  return;
                }
                StringBuilder line =
                    new StringBuilder(
                        String.format(
                            "  ... %s, %.0f s", stage, (System.nanoTime() - started) / 1e9));
                for (int id : tracker.getActiveStageIds()) {
                  SparkStageInfo info = tracker.getStageInfo(id).getOrElse(() -> null);
                  if (info != null) {
                    line.append(
                        String.format(
                            ", spark stage %d: %d/%d tasks",
                            id, info.numCompletedTasks(), info.numTasks()));
                  }
                }
                if (running) {
                  out.println(line);
                }
              }
            },
            "clout-progress");
    thread.setDaemon(true);
  }

  static Progress start(SparkSession spark, PrintStream out) {
    Progress p = new Progress(spark, out);
    p.thread.start();
    return p;
  }

  void stage(String name) {
    stage = name;
    sc.setLocalProperty(Pipeline.STAGE_PROPERTY, name);
    sc.setJobDescription("clout " + name);
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    sc.setLocalProperty(Pipeline.STAGE_PROPERTY, null);
    sc.setJobDescription(null);
  }
}
