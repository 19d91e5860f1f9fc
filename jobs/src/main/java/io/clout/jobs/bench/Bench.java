package io.clout.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.xxhash64;

import io.clout.common.config.CloutConfig;
import io.clout.jobs.CloutException;
import io.clout.jobs.Pipeline;
import io.clout.jobs.Reports;
import io.clout.jobs.generate.Generator;
import io.clout.jobs.ingest.IngestJob;
import io.clout.jobs.ingest.IngestReport;
import io.clout.jobs.score.Propagator;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.graphx.Edge;
import org.apache.spark.graphx.Graph;
import org.apache.spark.graphx.lib.PageRank;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * {@code clout bench}: daily runs on generated workloads of growing size, and propagation side by
 * side with GraphX PageRank and a single-thread CSR floor on one synthetic power-law graph, all in
 * one JVM and one run. Results go to {@code bench.json} and a Markdown report (docs/benchmarks.md).
 */
public final class Bench {
  /** Workload sizes: raw events per day, and the propagation graph. */
  public record Plan(
      String mode,
      List<Long> events,
      int vertices,
      long edges,
      List<Integer> graphxPartitions,
      int iterations) {}

  public static final Plan QUICK =
      new Plan("quick", List.of(50_000L, 150_000L), 50_000, 500_000, List.of(2, 4), 20);
  public static final Plan FULL =
      new Plan(
          "full",
          List.of(1_000_000L, 3_000_000L, 10_000_000L),
          1_000_000,
          10_000_000,
          List.of(2, 4, 8),
          20);

  /** Raw lines the generator writes per person and day (about 6.7; measured, see the report). */
  static final double LINES_PER_PERSON = 6.7;

  static final double DAMPING = 0.85;
  static final LocalDate DAY = LocalDate.parse("2026-01-01");

  private Bench() {}

  /**
   * @param configFor the run's configuration with the given path overrides (each workload has its
   *     own raw folder and warehouse under {@code out/work})
   */
  public static Map<String, Object> run(
      SparkSession spark,
      Function<Map<String, String>, CloutConfig> configFor,
      Plan plan,
      Path out,
      Path report,
      PrintStream log)
      throws IOException {
    Files.createDirectories(out);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("mode", plan.mode());
    result.put("machine", machine(spark));
    List<Map<String, Object>> workloads = new ArrayList<>();
    for (long events : plan.events()) {
      workloads.add(workload(spark, configFor, events, out.resolve("work/" + events), log));
    }
    Map<String, Object> first = workloads.get(0);
    Map<String, Object> last = workloads.get(workloads.size() - 1);
    Map<String, Object> propagation = propagation(spark, plan, log);

    result.put("propagation_vs_graphx", propagation.get("vs_graphx"));
    result.put("propagation_vs_single_thread", propagation.get("vs_single_thread"));
    result.put("ingest_events_per_s", last.get("ingest_warm_events_per_s"));
    result.put(
        "ingest_plain_json_to_delta_events_per_s", last.get("plain_json_to_delta_events_per_s"));
    result.put(
        "ingest_cold",
        Map.of(
            "events",
            first.get("lines"),
            "seconds",
            first.get("ingest_s"),
            "events_per_s",
            first.get("ingest_events_per_s")));
    result.put(
        "scaling_10m_over_1m",
        Map.of(
            "ratio",
            round((double) last.get("daily_s") / (double) first.get("daily_s")),
            "small_events",
            first.get("lines"),
            "large_events",
            last.get("lines"),
            "size_ratio",
            round(
                ((Number) last.get("lines")).doubleValue()
                    / ((Number) first.get("lines")).doubleValue())));
    result.put(
        "peak_heap_bytes",
        workloads.stream().mapToLong(w -> (long) w.get("peak_heap_bytes")).max().orElse(0));
    result.put("workloads", workloads);
    result.put("targets", BenchReport.targets(result));
    Reports.write(spark, out.resolve("bench.json").toString(), result);
    Files.createDirectories(report.toAbsolutePath().getParent());
    Files.writeString(report, BenchReport.markdown(result));
    log.printf("bench: wrote %s and %s%n", out.resolve("bench.json"), report);
    return result;
  }

  /** One day of generated raw logs through the daily pipeline, then the ingest again, warm. */
  static Map<String, Object> workload(
      SparkSession spark,
      Function<Map<String, String>, CloutConfig> configFor,
      long events,
      Path dir,
      PrintStream log)
      throws IOException {
    int persons = (int) Math.max(100, Math.round(events / LINES_PER_PERSON));
    long t0 = System.nanoTime();
    Generator.Manifest m =
        Generator.generate(new Generator.Params(persons, 1, DAY, 42, 0.001), dir.resolve("raw"));
    double generateS = seconds(t0);
    long lines = m.linesPerDay().get(DAY.toString());
    log.printf("bench: %d persons, %d raw lines generated in %.1f s%n", persons, lines, generateS);
    CloutConfig c =
        configFor.apply(
            Map.of(
                "paths.raw",
                dir.resolve("raw").toString(),
                "paths.warehouse",
                dir.resolve("warehouse").toString()));
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("events_target", events);
    w.put("persons", persons);
    w.put("lines", lines);
    w.put("generate_s", round(generateS));
    try (HeapWatch heap = HeapWatch.start()) {
      long t = System.nanoTime();
      Pipeline.DailyReport daily = Pipeline.runDay(spark, c, DAY, true, log);
      double dailyS = seconds(t);
      daily.stageMs().forEach((stage, ms) -> w.put(stage + "_s", round(ms / 1000.0)));
      w.put("daily_s", round(dailyS));
      w.put("ingest_events_per_s", Math.round(lines / (daily.stageMs().get("ingest") / 1000.0)));
      w.put("accepted", daily.ingest().accepted());
      w.put("edges", daily.score().edges());
      t = System.nanoTime();
      IngestReport again = IngestJob.run(spark, c, DAY);
      double warm = seconds(t);
      w.put("ingest_warm_s", round(warm));
      w.put("ingest_warm_events_per_s", Math.round(again.linesRead() / warm));
      w.put("peak_heap_bytes", heap.peakLive());
      w.put("peak_heap_used_bytes", heap.peakUsed());
    }
    w.put("peak_rss_bytes", peakRss());
    long t = System.nanoTime();
    plainJsonToDelta(
        spark, dir.resolve("raw/engagement/dt=" + DAY).toString(), dir.resolve("plain").toString());
    double plain = seconds(t);
    w.put("plain_json_to_delta_s", round(plain));
    w.put("plain_json_to_delta_events_per_s", Math.round(lines / plain));
    log.printf(
        "bench: %d lines: daily %.1f s, warm ingest %s lines/s, peak live heap %d MiB%n",
        lines,
        (double) w.get("daily_s"),
        w.get("ingest_warm_events_per_s"),
        (long) w.get("peak_heap_bytes") >> 20);
    return w;
  }

  /**
   * The reference for ingest: Spark's JSON reader with the contract's columns, straight into a
   * Delta table partitioned by day, with no validation, dedupe or quarantine.
   */
  static void plainJsonToDelta(SparkSession spark, String partition, String out) {
    spark
        .read()
        .schema(
            "event_id STRING, network STRING, type STRING, actor_id STRING, target_id STRING, post_id STRING,"
                + " occurred_at TIMESTAMP, text STRING, reply_to_id STRING")
        .json(partition)
        .withColumn("event_date", to_date(col("occurred_at")))
        .write()
        .format("delta")
        .mode("overwrite")
        .partitionBy("event_date")
        .save(out);
  }

  /**
   * One power-law graph, ranked three ways with the same damping and a fixed iteration count, in
   * the unweighted form (p = 1 / out-degree) where all three compute the same quantity. Every
   * vertex has an out-edge (a ring through all ids), so GraphX's sink correction does nothing.
   */
  static Map<String, Object> propagation(SparkSession spark, Plan plan, PrintStream log) {
    long v = plan.vertices();
    Dataset<Row> ring =
        spark.range(v).select(col("id").as("src_id"), pmod(col("id").plus(1), lit(v)).as("dst_id"));
    Dataset<Row> random =
        spark
            .range(plan.edges() - v)
            .select(
                pmod(xxhash64(col("id"), lit(1)), lit(v)).as("src_id"),
                // u^3 for u uniform in [0, 1): many edges into low ids, a heavy-tailed in-degree
                floor(
                        lit(v)
                            .multiply(
                                pow(
                                    pmod(xxhash64(col("id"), lit(2)), lit(1L << 31))
                                        .divide((double) (1L << 31)),
                                    3)))
                    .cast("long")
                    .as("dst_id"));
    Dataset<Row> edges =
        ring.union(random)
            .where(col("src_id").notEqual(col("dst_id")))
            .distinct()
            .withColumn("p", lit(1.0).divide(count(lit(1)).over(Window.partitionBy("src_id"))))
            .withColumn("src", col("src_id").cast("string"))
            .withColumn("dst", col("dst_id").cast("string"))
            .persist(StorageLevel.MEMORY_AND_DISK());
    long m = edges.count();
    log.printf("bench: graph of %d vertices and %d edges%n", v, m);

    Propagator.Settings fixed =
        new Propagator.Settings(DAMPING, 0, plan.iterations(), 10, Long.MAX_VALUE);
    // Long ids, as GraphX gets them; then string ids, as the daily job passes person ids.
    long t = System.nanoTime();
    Dataset<Row> clout =
        Propagator.inMemory(
                edges.select(col("src_id").as("src"), col("dst_id").as("dst"), col("p")), fixed)
            .persist(StorageLevel.MEMORY_AND_DISK());
    clout.count();
    double cloutS = seconds(t);
    t = System.nanoTime();
    Propagator.inMemory(edges.select("src", "dst", "p"), fixed)
        .write()
        .format("noop")
        .mode("overwrite")
        .save();
    double cloutStringsS = seconds(t);
    log.printf("bench: Clout propagation %.1f s (string ids %.1f s)%n", cloutS, cloutStringsS);

    ClassTag<Object> tag = ClassTag$.MODULE$.apply(Object.class);
    Map<String, Double> graphxS = new LinkedHashMap<>();
    Dataset<Row> graphxRanks = null;
    for (int parts : plan.graphxPartitions()) {
      JavaRDD<Edge<Object>> rdd =
          edges
              .select("src_id", "dst_id")
              .javaRDD()
              .map(r -> new Edge<Object>(r.getLong(0), r.getLong(1), 1.0))
              .repartition(parts)
              .persist(StorageLevel.MEMORY_ONLY());
      rdd.count();
      t = System.nanoTime();
      Graph<Object, Object> g =
          Graph.fromEdges(
              rdd.rdd(), 1.0, StorageLevel.MEMORY_ONLY(), StorageLevel.MEMORY_ONLY(), tag, tag);
      Graph<Object, Object> ranked = PageRank.run(g, plan.iterations(), 1 - DAMPING, tag, tag);
      ranked.vertices().count();
      graphxS.put(String.valueOf(parts), round(seconds(t)));
      log.printf(
          "bench: GraphX PageRank on %d partitions %.1f s%n",
          parts, graphxS.get(String.valueOf(parts)));
      if (graphxRanks == null) {
        graphxRanks =
            spark
                .createDataFrame(
                    ranked
                        .vertices()
                        .toJavaRDD()
                        .map(x -> new GraphxRank((Long) x._1(), (Double) x._2())),
                    GraphxRank.class)
                .persist(StorageLevel.MEMORY_AND_DISK());
        graphxRanks.count();
      }
      g.unpersist(false);
      ranked.unpersist(false);
      rdd.unpersist(false);
    }
    Map.Entry<String, Double> best =
        graphxS.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow();
    Row agreement =
        clout
            .join(graphxRanks, clout.col("person_id").equalTo(graphxRanks.col("id").cast("string")))
            .selectExpr("count(*) n", "max(abs(rank - graphxRank)) diff")
            .first();
    if (agreement.getLong(0) != v || agreement.getDouble(1) > 1e-6) {
      throw new CloutException(
          "Cannot compare propagation with GraphX: they disagree (" + agreement + ")");
    }

    t = System.nanoTime();
    int[][] arrays = intEdges(edges, m);
    double loadS = seconds(t);
    t = System.nanoTime();
    SingleThreadPageRank floorRank = new SingleThreadPageRank((int) v, arrays[0], arrays[1]);
    double buildS = seconds(t);
    t = System.nanoTime();
    double[] floorRanks = floorRank.run(DAMPING, plan.iterations());
    double iterateS = seconds(t);
    double floorDiff =
        clout.collectAsList().stream()
            .mapToDouble(
                r -> Math.abs(r.getDouble(1) - floorRanks[Integer.parseInt(r.getString(0))]))
            .max()
            .orElse(0);
    log.printf(
        "bench: single-thread floor %.2f s (+ %.1f s to collect the edges), max difference %.2e%n",
        buildS + iterateS, loadS, floorDiff);
    edges.unpersist();
    clout.unpersist();
    graphxRanks.unpersist();

    Map<String, Object> graph =
        Map.of("vertices", v, "edges", m, "iterations", plan.iterations(), "damping", DAMPING);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put(
        "vs_graphx",
        Reports.object(
            "ratio",
            round(cloutS / best.getValue()),
            "clout_s",
            round(cloutS),
            "clout_string_ids_s",
            round(cloutStringsS),
            "graphx_best_s",
            best.getValue(),
            "graphx_best_partitions",
            Integer.parseInt(best.getKey()),
            "graphx_s_by_partitions",
            graphxS,
            "max_abs_difference",
            agreement.getDouble(1),
            "graph",
            graph));
    r.put(
        "vs_single_thread",
        Reports.object(
            "ratio",
            round(cloutS / (buildS + iterateS)),
            "clout_s",
            round(cloutS),
            "clout_string_ids_s",
            round(cloutStringsS),
            "ratio_string_ids",
            round(cloutStringsS / (buildS + iterateS)),
            "floor_s",
            round(buildS + iterateS),
            "floor_build_s",
            round(buildS),
            "floor_iterate_s",
            round(iterateS),
            "floor_collect_edges_s",
            round(loadS),
            "ratio_with_collect",
            round(cloutS / (loadS + buildS + iterateS)),
            "max_abs_difference",
            floorDiff,
            "graph",
            graph));
    return r;
  }

  /** GraphX's ranks as rows, to join with Clout's. */
  public static final class GraphxRank implements java.io.Serializable {
    private long id;
    private double graphxRank;

    public GraphxRank() {}

    GraphxRank(long id, double rank) {
      this.id = id;
      this.graphxRank = rank;
    }

    public long getId() {
      return id;
    }

    public void setId(long id) {
      this.id = id;
    }

    public double getGraphxRank() {
      return graphxRank;
    }

    public void setGraphxRank(double graphxRank) {
      this.graphxRank = graphxRank;
    }
  }

  /**
   * The edge list as two int arrays in the driver, for the floor, streamed a partition at a time.
   */
  static int[][] intEdges(Dataset<Row> edges, long count) {
    int[] src = new int[(int) count];
    int[] dst = new int[(int) count];
    var rows = edges.select(col("src_id").cast("int"), col("dst_id").cast("int")).toLocalIterator();
    for (int i = 0; rows.hasNext(); i++) {
      Row r = rows.next();
      src[i] = r.getInt(0);
      dst[i] = r.getInt(1);
    }
    return new int[][] {src, dst};
  }

  static Map<String, Object> machine(SparkSession spark) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("memory_bytes", memTotal());
    m.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
    m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    m.put("spark", spark.version());
    Map<String, String> conf = new LinkedHashMap<>();
    for (String k :
        List.of(
            "spark.master",
            "spark.sql.shuffle.partitions",
            "spark.default.parallelism",
            "spark.databricks.delta.snapshotPartitions")) {
      conf.put(k, spark.conf().get(k, ""));
    }
    m.put("spark_conf", conf);
    return m;
  }

  static long memTotal() {
    return procLine("/proc/meminfo", "MemTotal:");
  }

  /** The process's peak resident set (VmHWM), or -1 where /proc is not there. */
  static long peakRss() {
    return procLine("/proc/self/status", "VmHWM:");
  }

  static long procLine(String file, String key) {
    try {
      return Files.readAllLines(Path.of(file)).stream()
          .filter(l -> l.startsWith(key))
          .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024)
          .findFirst()
          .orElse(-1);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * Samples the heap every 100 ms while open: the largest heap in use right after a collection
   * (live data, what a smaller heap would have to hold) and the largest heap in use at all.
   */
  static final class HeapWatch implements AutoCloseable {
    private final AtomicLong live = new AtomicLong();
    private final AtomicLong used = new AtomicLong();
    private final Thread thread;

    private HeapWatch() {
      List<MemoryPoolMXBean> pools =
          ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(p -> p.getType() == MemoryType.HEAP)
              .toList();
      thread =
          new Thread(
              () -> {
                while (!Thread.currentThread().isInterrupted()) {
                  live.accumulateAndGet(
                      pools.stream()
                          .mapToLong(
                              p ->
                                  p.getCollectionUsage() == null
                                      ? 0
                                      : p.getCollectionUsage().getUsed())
                          .sum(),
                      Math::max);
                  used.accumulateAndGet(
                      ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
                      Math::max);
                  try {
                    Thread.sleep(100);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "clout-heap-watch");
      thread.setDaemon(true);
    }

    static HeapWatch start() {
      System.gc(); // start from live data, not the previous workload's garbage
      HeapWatch w = new HeapWatch();
      w.thread.start();
      return w;
    }

    long peakLive() {
      return live.get();
    }

    long peakUsed() {
      return used.get();
    }

    @Override
    public void close() {
      thread.interrupt();
    }
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
