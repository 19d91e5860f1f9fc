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
import io.clout.jobs.Main;
import io.clout.jobs.Pipeline;
import io.clout.jobs.Reports;
import io.clout.jobs.generate.Generator;
import io.clout.jobs.ingest.IngestJob;
import io.clout.jobs.ingest.IngestReport;
import io.clout.jobs.score.Propagator;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.hadoop.fs.FileUtil;
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

  /** The max heap of the JVM the daily workloads run in: issue 18 asks a 10M-line day in 3 GiB. */
  public static final String DAILY_HEAP = "3g";

  /**
   * @param daysArgs the arguments of {@code clout bench} that run only the daily workloads, in a
   *     JVM of their own with {@link #DAILY_HEAP}
   */
  public static BenchResult run(
      SparkSession spark, Plan plan, Path out, Path report, PrintStream log, List<String> daysArgs)
      throws IOException {
    Files.createDirectories(out);
    BenchResult.Days days = daysInOwnJvm(spark, daysArgs, out, log);
    BenchResult.Machine machine = machine(spark, days.maxHeapBytes());
    List<BenchResult.Workload> workloads = days.workloads();
    BenchResult.Workload first = workloads.get(0);
    BenchResult.Workload last = workloads.get(workloads.size() - 1);
    Propagation propagation = propagation(spark, plan, log);
    BenchResult measured =
        new BenchResult(
            plan.mode(),
            machine,
            propagation.vsGraphx(),
            propagation.vsSingleThread(),
            last.ingestWarmEventsPerS(),
            last.plainJsonToDeltaEventsPerS(),
            new BenchResult.IngestCold(first.lines(), first.ingestS(), first.ingestEventsPerS()),
            new BenchResult.Scaling(
                round(last.dailyS() / first.dailyS()),
                first.lines(),
                last.lines(),
                round((double) last.lines() / first.lines())),
            workloads.stream().mapToLong(BenchResult.Workload::peakHeapBytes).max().orElse(0),
            workloads,
            List.of(),
            propagation.distributed(),
            round((double) last.ingestWarmEventsPerS() / last.plainJsonToDeltaEventsPerS()),
            // The first day in this JVM is the cold one: its ingest against its own plain write.
            round((double) first.ingestEventsPerS() / first.plainJsonToDeltaEventsPerS()),
            round(last.dailyS() / last.plainJsonToDeltaS()),
            round(last.scoreS() / last.plainJsonToDeltaS()),
            round(last.momentsS() / last.plainJsonToDeltaS()),
            propagation.vsSingleThread().ratioStringIds(),
            round(propagation.distributed().seconds() / propagation.vsGraphx().graphxBestS()));
    BenchResult result = measured.withTargets(BenchReport.targets(measured));
    Reports.write(spark, out.resolve("bench.json").toString(), result);
    Files.createDirectories(report.toAbsolutePath().getParent());
    Files.writeString(report, BenchReport.markdown(result));
    log.printf("bench: wrote %s and %s%n", out.resolve("bench.json"), report);
    return result;
  }

  static String daysFile(Path out) {
    return out.resolve("days.json").toString();
  }

  /**
   * {@code clout bench --days-only}: every size of the plan through the daily pipeline, in this
   * JVM, written to DIR/days.json with this JVM's max heap.
   *
   * @param configFor the run's configuration with the given path overrides (each workload has its
   *     own raw folder and warehouse under {@code out/work})
   */
  public static void writeDays(
      SparkSession spark,
      Function<Map<String, String>, CloutConfig> configFor,
      Plan plan,
      Path out,
      PrintStream log)
      throws IOException {
    Files.createDirectories(out);
    List<BenchResult.Workload> workloads = new ArrayList<>();
    for (long events : plan.events()) {
      workloads.add(workload(spark, configFor, events, out.resolve("work/" + events), log));
    }
    Reports.write(
        spark, daysFile(out), new BenchResult.Days(Runtime.getRuntime().maxMemory(), workloads));
  }

  /**
   * The daily workloads in a JVM of their own, with this JVM's settings but {@link #DAILY_HEAP}:
   * the heap a day needs shows as whether it runs there, which a peak measured in a larger heap
   * does not (it counts garbage not collected yet). GraphX stays here, in the larger heap.
   */
  static BenchResult.Days daysInOwnJvm(
      SparkSession spark, List<String> daysArgs, Path out, PrintStream log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!a.startsWith("-Xmx") && !a.startsWith("-XX:StartFlightRecording")) {
        cmd.add(a);
      }
    }
    cmd.add("-Xmx" + DAILY_HEAP);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(daysArgs);
    Files.deleteIfExists(Path.of(daysFile(out)));
    log.printf("bench: daily workloads in a JVM of their own, max heap %s%n", DAILY_HEAP);
    log.flush();
    int exit;
    try {
      exit = new ProcessBuilder(cmd).inheritIO().start().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while the daily workloads ran", e);
    }
    if (exit != 0) {
      throw new CloutException(
          "The bench's daily workloads failed in their own JVM (max heap "
              + DAILY_HEAP
              + ", exit "
              + exit
              + "): see their output above");
    }
    return Reports.read(spark, daysFile(out), BenchResult.Days.class)
        .orElseThrow(() -> new IOException("The daily workloads wrote no " + daysFile(out)));
  }

  /** One day of generated raw logs through the daily pipeline, then the ingest again, warm. */
  static BenchResult.Workload workload(
      SparkSession spark,
      Function<Map<String, String>, CloutConfig> configFor,
      long events,
      Path dir,
      PrintStream log)
      throws IOException {
    // A fresh warehouse each run, also when --out is reused: a day over yesterday's run's tables
    // reads their history and replaces their rows, and costs more than a first day.
    if (!FileUtil.fullyDelete(dir.toFile())) {
      throw new IOException("Cannot delete " + dir + " before the bench's run there");
    }
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
    Pipeline.DailyReport daily;
    double dailyS;
    double warm;
    IngestReport again;
    long peakLive;
    long peakUsed;
    Map<String, BenchResult.SparkCost> sparkByStage;
    try (HeapWatch heap = HeapWatch.start()) {
      long t = System.nanoTime();
      try (SparkCosts costs = SparkCosts.start(spark.sparkContext())) {
        daily = Pipeline.runDay(spark, c, DAY, true, log);
        dailyS = seconds(t);
        sparkByStage = costs.byStage();
      }
      t = System.nanoTime();
      again = IngestJob.run(spark, c, DAY);
      warm = seconds(t);
      peakLive = heap.peakLive();
      peakUsed = heap.peakUsed();
    }
    long rss = peakRss();
    long t = System.nanoTime();
    plainJsonToDelta(
        spark, dir.resolve("raw/engagement/dt=" + DAY).toString(), dir.resolve("plain").toString());
    double plain = seconds(t);
    Map<String, Long> ms = daily.stageMs();
    BenchResult.Workload w =
        new BenchResult.Workload(
            events,
            persons,
            lines,
            round(generateS),
            round(ms.get("ingest") / 1000.0),
            round(ms.get("score") / 1000.0),
            round(ms.get("moments") / 1000.0),
            round(dailyS),
            Math.round(lines / (ms.get("ingest") / 1000.0)),
            daily.ingest().accepted(),
            daily.score().edges(),
            round(warm),
            Math.round(again.linesRead() / warm),
            peakLive,
            peakUsed,
            rss,
            round(plain),
            Math.round(lines / plain),
            sparkByStage);
    log.printf(
        "bench: %d lines: daily %.1f s, warm ingest %d lines/s, peak live heap %d MiB%n",
        lines, w.dailyS(), w.ingestWarmEventsPerS(), w.peakHeapBytes() >> 20);
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
  /** Clout's propagation against GraphX and against the single-thread floor. */
  record Propagation(
      BenchResult.VsGraphx vsGraphx,
      BenchResult.VsSingleThread vsSingleThread,
      BenchResult.Distributed distributed) {}

  static Propagation propagation(SparkSession spark, Plan plan, PrintStream log) {
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
    // This JVM has run no Spark job but the count above (the daily workloads ran in their own):
    // both paths run once untimed on a tenth of the graph, so the timed runs are not the first.
    Dataset<Row> tenth = edges.where(col("src_id").lt(v / 10));
    noop(
        Propagator.inMemory(
            tenth.select(col("src_id").as("src"), col("dst_id").as("dst"), col("p")), fixed));
    noop(Propagator.inMemory(tenth.select("src", "dst", "p"), fixed));
    // Long ids, as GraphX gets them; then string ids, as the daily job passes person ids.
    long t = System.nanoTime();
    Dataset<Row> clout =
        Propagator.inMemory(
                edges.select(col("src_id").as("src"), col("dst_id").as("dst"), col("p")), fixed)
            .persist(StorageLevel.MEMORY_AND_DISK());
    clout.count();
    double cloutS = seconds(t);
    t = System.nanoTime();
    noop(Propagator.inMemory(edges.select("src", "dst", "p"), fixed));
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

    // The distributed path, as a day above scoring.local-max-edges runs it: same graph, same
    // fixed iterations, string ids.
    t = System.nanoTime();
    Dataset<Row> distributed =
        Propagator.distributed(edges.select("src", "dst", "p"), fixed)
            .persist(StorageLevel.MEMORY_AND_DISK());
    distributed.count();
    double distributedS = seconds(t);
    Row distributedAgreement =
        distributed
            .join(
                graphxRanks,
                distributed.col("person_id").equalTo(graphxRanks.col("id").cast("string")))
            .selectExpr("count(*) n", "max(abs(rank - graphxRank)) diff", "max(iterations) it")
            .first();
    if (distributedAgreement.getLong(0) != v || distributedAgreement.getDouble(1) > 1e-6) {
      throw new CloutException(
          "Cannot compare the distributed propagation with GraphX: they disagree ("
              + distributedAgreement
              + ")");
    }
    distributed.unpersist();
    log.printf(
        "bench: Clout distributed propagation %.1f s, max difference to GraphX %.2e%n",
        distributedS, distributedAgreement.getDouble(1));

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

    BenchResult.Graph graph = new BenchResult.Graph(v, m, plan.iterations(), DAMPING);
    double floorS = buildS + iterateS;
    return new Propagation(
        new BenchResult.VsGraphx(
            round(cloutS / best.getValue()),
            round(cloutS),
            round(cloutStringsS),
            best.getValue(),
            Integer.parseInt(best.getKey()),
            graphxS,
            agreement.getDouble(1),
            graph),
        new BenchResult.VsSingleThread(
            round(cloutS / floorS),
            round(cloutS),
            round(cloutStringsS),
            round(cloutStringsS / floorS),
            round(floorS),
            round(buildS),
            round(iterateS),
            round(loadS),
            round(cloutS / (loadS + floorS)),
            floorDiff,
            graph),
        new BenchResult.Distributed(
            round(distributedS),
            distributedAgreement.getInt(2),
            distributedAgreement.getDouble(1)));
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

  /** Runs a query to its end and keeps nothing. */
  static void noop(Dataset<Row> rows) {
    rows.write().format("noop").mode("overwrite").save();
  }

  static BenchResult.Machine machine(SparkSession spark, long dailyMaxHeapBytes) {
    Map<String, String> conf = new LinkedHashMap<>();
    for (String k :
        List.of(
            "spark.master",
            "spark.sql.shuffle.partitions",
            "spark.default.parallelism",
            "spark.sql.files.maxPartitionBytes",
            "spark.sql.adaptive.advisoryPartitionSizeInBytes",
            "spark.databricks.delta.snapshotPartitions")) {
      conf.put(k, spark.conf().get(k, ""));
    }
    return new BenchResult.Machine(
        Runtime.getRuntime().availableProcessors(),
        memTotal(),
        Runtime.getRuntime().maxMemory(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        spark.version(),
        conf,
        dailyMaxHeapBytes);
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

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
