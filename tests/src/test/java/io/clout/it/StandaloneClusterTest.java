package io.clout.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import io.clout.jobs.Pipeline;
import io.clout.jobs.Table;
import io.clout.jobs.Tables;
import io.clout.jobs.TestSpark;
import io.clout.jobs.generate.Generator;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Spark standalone cluster on 127.0.0.1 (one master, two workers, one single-core executor on
 * each) built from the Spark jars the project already depends on. {@code clout daily} is submitted
 * to it the way spark-submit does, with the shaded {@code -spark.jar} and Delta and hadoop-aws as
 * {@code --jars}, reading and writing S3 (S3Proxy), with PageRank propagation forced onto the
 * distributed path (blocks on both executors). Its scores and moments must equal a local run's.
 */
class StandaloneClusterTest {
  static final LocalDate DAY = LocalDate.parse("2026-08-01");
  static final String BUCKET = "clout-cluster";

  /** Jars a Spark distribution does not ship: the application brings them. */
  static final Pattern APP_JARS =
      Pattern.compile(
          ".*/(io/delta|io/unitycatalog|org/apache/hadoop/hadoop-aws|software/amazon)/.*");

  @TempDir static Path tmp;
  static S3ProxyServer s3;
  static Path sparkHome;
  static final List<Process> cluster = new ArrayList<>();
  static String master;

  @BeforeAll
  static void setUp() throws Exception {
    s3 = S3ProxyServer.start(tmp);
    try (var client = s3.client()) {
      client.createBucket(b -> b.bucket(BUCKET));
    }
    Path raw = tmp.resolve("raw");
    Generator.generate(new Generator.Params(150, 1, DAY, 11, 0.01), raw);
    s3.upload(raw, BUCKET, "raw");
    sparkHome = sparkHome();
    master = startCluster();
  }

  @AfterAll
  static void tearDown() throws IOException {
    cluster.forEach(Process::destroyForcibly);
    if (sparkHome != null) {
      try (var links = Files.list(sparkHome.resolve("jars"))) {
        for (Path link : links.toList()) {
          Files.delete(link); // the link only, before JUnit warns about each one
        }
      }
    }
    if (s3 != null) {
      s3.close();
    }
  }

  /** A SPARK_HOME whose jars/ links every jar of this classpath a Spark distribution would hold. */
  static Path sparkHome() throws IOException {
    Path jars = Files.createDirectories(tmp.resolve("spark-home/jars"));
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (entry.endsWith(".jar")
          && !APP_JARS.matcher(entry).matches()
          && !entry.contains("clout-")
          && Files.notExists(jars.resolve(p.getFileName()))) {
        Files.createSymbolicLink(jars.resolve(p.getFileName()), p);
      }
    }
    return jars.getParent();
  }

  static List<String> java(String mainClass, String... jvmOptions) {
    List<String> c = new ArrayList<>();
    c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    c.addAll(
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("--add-opens"))
            .toList());
    c.addAll(List.of(jvmOptions));
    c.addAll(List.of("-Xmx512m", "-cp", sparkHome.resolve("jars") + "/*", mainClass));
    return c;
  }

  static Process start(List<String> command, String log) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve(log).toFile());
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    return pb.start();
  }

  /** Starts the master and two workers and waits until both workers have registered. */
  static String startCluster() throws Exception {
    int port = S3ProxyServer.freePort();
    String master = "spark://127.0.0.1:" + port;
    List<String> m = java("org.apache.spark.deploy.master.Master");
    m.addAll(
        List.of(
            "--host",
            "127.0.0.1",
            "--port",
            String.valueOf(port),
            "--webui-port",
            String.valueOf(S3ProxyServer.freePort())));
    cluster.add(start(m, "master.log"));
    for (int i = 1; i <= 2; i++) {
      List<String> w = java("org.apache.spark.deploy.worker.Worker");
      w.addAll(
          List.of(
              "--host",
              "127.0.0.1",
              "--cores",
              "1",
              "--memory",
              "1g",
              "--webui-port",
              String.valueOf(S3ProxyServer.freePort()),
              "--work-dir",
              Files.createDirectories(tmp.resolve("work-" + i)).toString(),
              master));
      cluster.add(start(w, "worker-" + i + ".log"));
    }
    long deadline = System.currentTimeMillis() + 90_000;
    while (Files.readString(tmp.resolve("master.log")).split("Registering worker", -1).length < 3) {
      assertThat(System.currentTimeMillis())
          .as("workers registered; master log: %s", Files.readString(tmp.resolve("master.log")))
          .isLessThan(deadline);
      Thread.sleep(500);
    }
    return master;
  }

  @Test
  void dailySubmittedToAStandaloneClusterGivesTheLocalScoresWithTheDistributedPropagation()
      throws Exception {
    // One submission: a cluster run costs two minutes here, and everything but propagation is the
    // same SQL in both models, so PageRank is forced onto the distributed path (blocks on both
    // executors) instead of running the default model a second time.
    Map<String, String> distributed =
        Map.of("scoring.propagation", "pagerank", "scoring.local-max-edges", "0");
    List<String> sets = new ArrayList<>();
    distributed.forEach((k, v) -> sets.addAll(List.of("--set", k + "=" + v)));
    String log = submitDaily("distributed", "submit-distributed.log", sets.toArray(String[]::new));
    // Work ran on the workers' executors, not in the driver.
    assertThat(Files.readString(tmp.resolve("master.log"))).contains("Launching executor");
    assertThat(log).contains("day " + DAY).contains("propagation distributed");
    assertTheClusterTablesEqualALocalRun("distributed", distributed);
  }

  /** {@code clout daily} through spark-submit onto the cluster; returns its output. */
  static String submitDaily(String warehouse, String logName, String... settings) throws Exception {
    Path repo = Path.of(System.getProperty("clout.repo.root"));
    String appJar = repo.resolve("jobs/target/clout-jobs-0.1.0-SNAPSHOT-spark.jar").toString();
    assertThat(Path.of(appJar)).as("the shaded jar (mvn package builds it)").exists();
    String jars =
        String.join(
            ",",
            List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
                .filter(e -> APP_JARS.matcher(e).matches())
                .toList());

    List<String> submit = java("org.apache.spark.deploy.SparkSubmit", "-Dclout.home=" + repo);
    submit.addAll(
        List.of(
            "--master",
            master,
            "--deploy-mode",
            "client",
            "--class",
            "io.clout.jobs.Main",
            "--jars",
            jars,
            "--conf",
            "spark.executor.memory=768m",
            "--conf",
            "spark.executor.cores=1",
            "--conf",
            "spark.cores.max=2",
            "--conf",
            "spark.driver.host=127.0.0.1",
            "--conf",
            "spark.ui.enabled=false"));
    s3.s3aSettings()
        .forEach((k, v) -> submit.addAll(List.of("--conf", "spark.hadoop." + k + "=" + v)));
    submit.addAll(
        List.of(
            appJar,
            "daily",
            "--env",
            "cluster",
            "--date",
            DAY.toString(),
            "--raw",
            "s3a://" + BUCKET + "/raw",
            "--warehouse",
            "s3a://" + BUCKET + "/" + warehouse,
            "--conf",
            "spark.sql.shuffle.partitions=4",
            "--conf",
            "spark.databricks.delta.snapshotPartitions=2"));
    submit.addAll(List.of(settings));
    long started = System.nanoTime();
    Process p = start(submit, logName);
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
    System.out.printf(
        "cluster daily run (%s): %d s%n", warehouse, (System.nanoTime() - started) / 1_000_000_000);
    String log = Files.readString(tmp.resolve(logName));
    assertThat(p.exitValue()).as("spark-submit output:%n%s", log).isZero();
    return log;
  }

  /** The same day run in this JVM with the same settings: scores and moments must be equal. */
  static void assertTheClusterTablesEqualALocalRun(String warehouse, Map<String, String> settings) {
    SparkSession spark = TestSpark.spark();
    s3.s3aSettings().forEach(spark.sparkContext().hadoopConfiguration()::set);
    Map<String, String> local = new HashMap<>(settings);
    local.put("paths.raw", "s3a://" + BUCKET + "/raw");
    local.put("paths.warehouse", tmp.resolve("local-" + warehouse).toString());
    CloutConfig localConfig = ConfigLoader.load(null, local, Map.of());
    Pipeline.runDay(spark, localConfig, DAY, false, System.out);
    Map<String, String> remote = new HashMap<>(settings);
    remote.put("paths.raw", "s3a://" + BUCKET + "/raw");
    remote.put("paths.warehouse", "s3a://" + BUCKET + "/" + warehouse);
    CloutConfig remoteConfig = ConfigLoader.load(null, remote, Map.of());

    for (Table table : List.of(Tables.SCORES, Tables.MOMENTS)) {
      List<String> expected = rows(spark, localConfig, table);
      assertThat(expected).as(table.name()).isNotEmpty();
      assertThat(rows(spark, remoteConfig, table)).as(table.name()).isEqualTo(expected);
    }
  }

  static List<String> rows(SparkSession spark, CloutConfig c, Table table) {
    return spark.read().format("delta").load(Tables.path(c, table)).collectAsList().stream()
        .map(Row::toString)
        .sorted()
        .toList();
  }
}
