package io.clout.jobs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.clout.jobs.TestSpark;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.graphx.Edge;
import org.apache.spark.graphx.Graph;
import org.apache.spark.graphx.lib.PageRank;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Both propagation paths against an implementation this project did not write: GraphX's PageRank,
 * on the unweighted form (p = 1 / out-degree) where both compute the same quantity.
 */
class PropagatorTest {
  static final StructType EDGES =
      new StructType()
          .add("src", DataTypes.StringType)
          .add("dst", DataTypes.StringType)
          .add("p", DataTypes.DoubleType);
  static final int N = 300;
  static final int ITERATIONS = 20;
  static SparkSession spark;
  static List<long[]> graph;
  static Map<Long, Double> graphx;

  @BeforeAll
  static void rankWithGraphX() {
    spark = TestSpark.spark();
    // A random power-law-ish graph; every node has an out-edge (a cycle), so no rank leaks.
    Random rnd = new Random(5);
    Set<String> seen = new HashSet<>();
    graph = new ArrayList<>();
    for (long v = 0; v < N; v++) {
      add(v, (v + 1) % N, seen);
    }
    for (int e = 0; e < 6 * N; e++) {
      long src = rnd.nextInt(N);
      long dst = (long) Math.floor(N * Math.pow(rnd.nextDouble(), 3)); // popular low ids
      if (src != dst) {
        add(src, dst, seen);
      }
    }
    List<Edge<Object>> edges = new ArrayList<>();
    graph.forEach(e -> edges.add(new Edge<>(e[0], e[1], 1.0)));
    JavaRDD<Edge<Object>> rdd =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(edges, 2);
    ClassTag<Object> tag = ClassTag$.MODULE$.apply(Object.class);
    Graph<Object, Object> g =
        Graph.fromEdges(
            rdd.rdd(), 1.0, StorageLevel.MEMORY_ONLY(), StorageLevel.MEMORY_ONLY(), tag, tag);
    Graph<Object, Object> ranked = PageRank.run(g, ITERATIONS, 0.15, tag, tag);
    graphx = new HashMap<>();
    for (Tuple2<Object, Object> t : ranked.vertices().toJavaRDD().collect()) {
      graphx.put((Long) t._1(), (Double) t._2());
    }
  }

  static void add(long src, long dst, Set<String> seen) {
    if (seen.add(src + ">" + dst)) {
      graph.add(new long[] {src, dst});
    }
  }

  static Dataset<Row> unweightedEdges() {
    Map<Long, Integer> outDegree = new HashMap<>();
    graph.forEach(e -> outDegree.merge(e[0], 1, Integer::sum));
    List<Row> rows = new ArrayList<>();
    graph.forEach(
        e -> rows.add(RowFactory.create("n" + e[0], "n" + e[1], 1.0 / outDegree.get(e[0]))));
    return spark.createDataFrame(rows, EDGES);
  }

  static void assertMatchesGraphX(Dataset<Row> ranks) {
    List<Row> rows = ranks.collectAsList();
    assertThat(rows).hasSize(N);
    for (Row r : rows) {
      long id = Long.parseLong(r.<String>getAs("person_id").substring(1));
      assertThat(r.<Double>getAs("rank")).as("node %d", id).isCloseTo(graphx.get(id), within(1e-6));
    }
  }

  @Test
  void theInMemoryPathMatchesGraphX() {
    Propagator.Settings s = new Propagator.Settings(0.85, 0, ITERATIONS, 5, Long.MAX_VALUE);
    Dataset<Row> ranks = Propagator.inMemory(unweightedEdges(), s);
    assertMatchesGraphX(ranks);
    assertThat(ranks.first().<Integer>getAs("iterations")).isEqualTo(ITERATIONS);
  }

  @Test
  void longIdsRankLikeStringIds() {
    Propagator.Settings s = new Propagator.Settings(0.85, 0, ITERATIONS, 5, Long.MAX_VALUE);
    Dataset<Row> longIds =
        unweightedEdges()
            .select(
                org.apache
                    .spark
                    .sql
                    .functions
                    .substring(org.apache.spark.sql.functions.col("src"), 2, 9)
                    .cast("long")
                    .as("src"),
                org.apache
                    .spark
                    .sql
                    .functions
                    .substring(org.apache.spark.sql.functions.col("dst"), 2, 9)
                    .cast("long")
                    .as("dst"),
                org.apache.spark.sql.functions.col("p"));
    Dataset<Row> ranks = Propagator.inMemory(longIds, s);
    assertThat(ranks.first().<String>getAs("person_id")).doesNotStartWith("n");
    assertMatchesGraphX(
        ranks.withColumn(
            "person_id",
            org.apache.spark.sql.functions.concat(
                org.apache.spark.sql.functions.lit("n"),
                org.apache.spark.sql.functions.col("person_id"))));
  }

  @Test
  void aShareHoldsItsDistinctStringIdsInJavaOrderAndItsEdgesNumberedAmongThem() {
    // Sources in runs (not added again), ids that are prefixes of one another, a source that comes
    // back after other sources, the empty id, and two whose UTF-8 order is not Java's.
    String[][] rows = {
      {"ab", "abc"},
      {"ab", "a"},
      {"ab", "ab"},
      {"abc", "ab"},
      {"abc", "b"},
      {"a", "ab"},
      {"ab", "\uFF21"},
      {"ab", "abc"},
      {"", "a"},
      {"\uD83D\uDE00", ""}
    };
    List<InternalRow> in = new ArrayList<>();
    for (String[] r : rows) {
      in.add(row(UTF8String.fromString(r[0]), UTF8String.fromString(r[1])));
    }
    Propagator.Share share = new Propagator.NumberIds(false).call(in.iterator()).next();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < share.ids(); i++) {
      int start = i == 0 ? 0 : share.ends()[i - 1];
      ids.add(new String(share.utf8(), start, share.ends()[i] - start, StandardCharsets.UTF_8));
    }
    Set<String> all = new java.util.TreeSet<>();
    for (String[] r : rows) {
      all.addAll(List.of(r));
    }
    assertThat(ids).containsExactlyElementsOf(all);
    for (int k = 0; k < rows.length; k++) {
      assertThat(ids.get(share.src()[k])).as("row %d", k).isEqualTo(rows[k][0]);
      assertThat(ids.get(share.dst()[k])).as("row %d", k).isEqualTo(rows[k][1]);
      assertThat(share.p()[k]).isEqualTo(k);
    }
  }

  @Test
  void aShareHoldsItsDistinctLongIdsInNumericOrder() {
    long[][] rows = {{5, -3}, {5, 7}, {-3, 5}, {5, Long.MIN_VALUE}, {Long.MAX_VALUE, 5}};
    List<InternalRow> in = new ArrayList<>();
    for (long[] r : rows) {
      in.add(row(r[0], r[1]));
    }
    Propagator.Share share = new Propagator.NumberIds(true).call(in.iterator()).next();
    assertThat(share.longIds()).containsExactly(Long.MIN_VALUE, -3, 5, 7, Long.MAX_VALUE);
    for (int k = 0; k < rows.length; k++) {
      assertThat(share.longIds()[share.src()[k]]).isEqualTo(rows[k][0]);
      assertThat(share.longIds()[share.dst()[k]]).isEqualTo(rows[k][1]);
    }
  }

  /** An edge row as Spark's internal rows hold it: src, dst, and p = the row's place. */
  private int rows;

  private InternalRow row(Object src, Object dst) {
    return new GenericInternalRow(new Object[] {src, dst, (double) rows++});
  }

  @Test
  void sameIdComparesTheWholeIdAcrossGrowth() {
    Propagator.Utf8Ids strings = new Propagator.Utf8Ids();
    Propagator.LongIds longs = new Propagator.LongIds();
    for (int i = 0; i < 100_000; i++) {
      InternalRow r = row(UTF8String.fromString("p" + i), i * 31L);
      assertThat(strings.add(r, 0)).isEqualTo(i);
      assertThat(longs.add(r, 1)).isEqualTo(i);
    }
    InternalRow p12 = row(UTF8String.fromString("p12"), 12 * 31L);
    InternalRow p123 = row(UTF8String.fromString("p123"), 123 * 31L);
    assertThat(strings.sameId(p12, 0, 12)).isTrue();
    assertThat(strings.sameId(p12, 0, 123)).isFalse();
    assertThat(strings.sameId(p123, 0, 12)).isFalse();
    assertThat(strings.sameId(p123, 0, 123)).isTrue();
    assertThat(strings.sameId(p123, 0, 99_999)).isFalse();
    assertThat(longs.sameId(p12, 1, 12)).isTrue();
    assertThat(longs.sameId(p123, 1, 12)).isFalse();
    Propagator.Share share = strings.share(0, strings.sort().first(), NONE, NONE, new double[0]);
    assertThat(share.ids()).isEqualTo(100_000);
    assertThat(new String(share.utf8(), 0, share.ends()[0], StandardCharsets.UTF_8))
        .isEqualTo("p0");
    assertThat(new String(share.utf8(), StandardCharsets.UTF_8)).endsWith("p99998p99999");
    assertThat(longs.sort().first()).hasSize(100_000);
  }

  private static final int[] NONE = new int[0];

  @Test
  void aPartitionWithNoEdgesIsAnEmptyShare() {
    Propagator.Share share =
        new Propagator.NumberIds(false).call(java.util.Collections.emptyIterator()).next();
    assertThat(share.ids()).isZero();
    assertThat(share.src()).isEmpty();
    assertThat(IdOrder.of(List.of(share, share)).names()).isEmpty();
  }

  @Test
  void idsWhoseBytesAreNotUtf8AndDecodeToOneTextAreOnePerson() {
    List<InternalRow> in =
        List.of(
            row(UTF8String.fromBytes(new byte[] {(byte) 0xFF}), UTF8String.fromString("a")),
            row(UTF8String.fromBytes(new byte[] {(byte) 0xFE}), UTF8String.fromString("a")));
    Propagator.Share share = new Propagator.NumberIds(false).call(in.iterator()).next();
    assertThat(share.ids()).isEqualTo(2);
    assertThat(share.src()).containsExactly(1, 1);
    assertThat(share.dst()).containsExactly(0, 0);
    assertThat(IdOrder.of(List.of(share)).names()).containsExactly("a", "\uFFFD");
  }

  @Test
  void theDistributedPathMatchesGraphXAcrossCheckpoints() {
    // A checkpoint every 3 iterations: 20 iterations cross six lineage cuts.
    Propagator.Settings s = new Propagator.Settings(0.85, 0, ITERATIONS, 3, 0);
    assertMatchesGraphX(Propagator.distributed(unweightedEdges(), s));
  }

  @Test
  void theDistributedPathRunsAHundredIterationsOverFiveBlocksLikeTheInMemoryPath() {
    // Nodes with no in-edge and no out-edge too; five input partitions make five blocks.
    Dataset<Row> edges =
        unweightedEdges()
            .union(
                spark.createDataFrame(
                    List.of(
                        RowFactory.create("only-out", "n1", 0.5),
                        RowFactory.create("n2", "only-in", 0.25)),
                    EDGES))
            .repartition(5);
    Propagator.Settings s = new Propagator.Settings(0.85, 0, 100, 10, 0);
    Map<String, Double> local = new HashMap<>();
    Propagator.inMemory(edges, s)
        .collectAsList()
        .forEach(r -> local.put(r.getString(0), r.getDouble(1)));
    List<Row> distributed = Propagator.distributed(edges, s).orderBy("person_id").collectAsList();
    assertThat(distributed).hasSize(N + 2);
    assertThat(distributed.get(0).<Integer>getAs("iterations")).isEqualTo(100);
    distributed.forEach(
        r -> assertThat(r.getDouble(1)).isCloseTo(local.get(r.getString(0)), within(1e-9)));
    assertThat(local.get("only-out")).isCloseTo(0.15, within(1e-12));
    // The same blocks fed in another order sum in the same order: the same bits.
    Dataset<Row> reordered = edges.orderBy(org.apache.spark.sql.functions.rand(3)).repartition(5);
    assertThat(Propagator.distributed(reordered, s).orderBy("person_id").collectAsList())
        .isEqualTo(distributed);
  }

  @Test
  void bothPathsStopAtTheSameToleranceWithTheSameRanks() {
    Propagator.Settings s = new Propagator.Settings(0.85, 1e-4, 100, 10, 0);
    Map<String, Double> local = new HashMap<>();
    Propagator.inMemory(unweightedEdges(), s)
        .collectAsList()
        .forEach(r -> local.put(r.getString(0), r.getDouble(1)));
    List<Row> distributed = Propagator.distributed(unweightedEdges(), s).collectAsList();
    assertThat(distributed.get(0).<Integer>getAs("iterations")).isLessThan(100);
    distributed.forEach(
        r -> assertThat(r.getDouble(1)).isCloseTo(local.get(r.getString(0)), within(1e-9)));
  }

  @Test
  void theInMemoryPathGivesTheSameBitsWhateverOrderTheEdgesArriveIn() {
    Propagator.Settings s = new Propagator.Settings(0.85, 1e-9, 100, 10, Long.MAX_VALUE);
    Dataset<Row> edges = unweightedEdges();
    List<Row> asGiven = Propagator.inMemory(edges, s).collectAsList();
    Dataset<Row> shuffled = edges.repartition(3).orderBy(org.apache.spark.sql.functions.rand(11));
    List<Row> reordered = Propagator.inMemory(shuffled, s).collectAsList();
    List<Row> reversed =
        Propagator.inMemory(
                edges.orderBy(
                    org.apache.spark.sql.functions.col("src").desc(),
                    org.apache.spark.sql.functions.col("dst").desc()),
                s)
            .collectAsList();
    assertThat(reordered).isEqualTo(asGiven);
    assertThat(reversed).isEqualTo(asGiven);
  }
}
