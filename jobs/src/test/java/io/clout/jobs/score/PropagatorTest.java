package io.clout.jobs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.clout.jobs.TestSpark;
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
  void longIdsAreNumberedInFirstSeenOrderAcrossTableGrowth() {
    // 200k distinct ids: the table starts at 65,536 slots, so it is rebuilt three times.
    Random rnd = new Random(5);
    long[] ids = new long[200_000];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = rnd.nextLong();
    }
    Propagator.LongIds index = new Propagator.LongIds();
    for (int i = 0; i < ids.length; i++) {
      assertThat(index.id(ids[i])).isEqualTo(i);
    }
    for (int i = 0; i < ids.length; i += 997) {
      assertThat(index.id(ids[i])).as("id seen before").isEqualTo(i);
    }
    assertThat(index.keys()).containsExactly(ids);
    IdOrder.Numbered numbered = IdOrder.of(List.of(shareOf(index)));
    long[] sorted = ids.clone();
    java.util.Arrays.sort(sorted);
    for (int i = 0; i < ids.length; i++) {
      int number = numbered.numbers()[0][i];
      assertThat(sorted[number]).isEqualTo(ids[i]);
      assertThat(numbered.names()[number]).isEqualTo(Long.toString(ids[i]));
    }
  }

  @Test
  void stringIdsAreNumberedInFirstSeenOrderAndSortedAsJavaStrings() {
    // 100k ids (the table is rebuilt twice) and a few whose UTF-8 byte order is not Java's
    // string order: U+FF21 sorts after the surrogate pair of U+1F600 as a Java string, before it
    // as UTF-8 bytes.
    List<String> ids = new ArrayList<>(List.of("\uFF21", "\uD83D\uDE00", "é", "z", "a", ""));
    Random rnd = new Random(7);
    while (ids.size() < 100_000) {
      ids.add("p" + rnd.nextInt(1 << 30));
    }
    List<String> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(ids));
    Propagator.Utf8Ids index = new Propagator.Utf8Ids();
    for (int i = 0; i < distinct.size(); i++) {
      assertThat(index.id(UTF8String.fromString(distinct.get(i)))).isEqualTo(i);
    }
    for (int i = 0; i < distinct.size(); i += 997) {
      assertThat(index.id(UTF8String.fromString(new String(distinct.get(i)))))
          .as("id seen before")
          .isEqualTo(i);
    }
    IdOrder.Numbered numbered = IdOrder.of(List.of(shareOf(index)));
    List<String> sorted = new ArrayList<>(distinct);
    java.util.Collections.sort(sorted);
    assertThat(sorted.indexOf("\uFF21")).isGreaterThan(sorted.indexOf("\uD83D\uDE00"));
    assertThat(numbered.names()).containsExactlyElementsOf(sorted);
    for (int i = 0; i < distinct.size(); i++) {
      assertThat(numbered.names()[numbered.numbers()[0][i]]).isEqualTo(distinct.get(i));
    }
  }

  /** The table's ids as a share with no edges, as {@link IdOrder} takes them. */
  static Propagator.Share shareOf(Propagator.Ids index) {
    return index.share(0, new int[0], new int[0], new double[0]);
  }

  @Test
  void rowsGroupedBySourceAreNumberedAsIfEachIdWereLookedUp() {
    // Sources in runs (the shortcut), ids that are prefixes of one another, and a source that
    // comes back after other sources: the share must equal one lookup per id in row order.
    String[][] rows = {
      {"ab", "abc"},
      {"ab", "a"},
      {"ab", "ab"},
      {"abc", "ab"},
      {"abc", "b"},
      {"a", "ab"},
      {"ab", "b"},
      {"ab", "abc"},
      {"", "a"},
      {"", ""}
    };
    List<org.apache.spark.sql.catalyst.InternalRow> in = new ArrayList<>();
    for (String[] r : rows) {
      in.add(
          new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(
              new Object[] {UTF8String.fromString(r[0]), UTF8String.fromString(r[1]), 1.0}));
    }
    Propagator.Share share = new Propagator.NumberIds(false).call(in.iterator()).next();
    Propagator.Utf8Ids each = new Propagator.Utf8Ids();
    for (int k = 0; k < rows.length; k++) {
      assertThat(share.src()[k])
          .as("row %d", k)
          .isEqualTo(each.id(UTF8String.fromString(rows[k][0])));
      assertThat(share.dst()[k])
          .as("row %d", k)
          .isEqualTo(each.id(UTF8String.fromString(rows[k][1])));
    }
    assertThat(share.ids()).isEqualTo(each.n);
  }

  @Test
  void sameIdComparesTheWholeIdAcrossTableGrowth() {
    Propagator.Utf8Ids strings = new Propagator.Utf8Ids();
    Propagator.LongIds longs = new Propagator.LongIds();
    for (int i = 0; i < 100_000; i++) {
      strings.id(UTF8String.fromString("p" + i));
      longs.id(i * 31L);
    }
    var p12 =
        new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(
            new Object[] {UTF8String.fromString("p12"), 12 * 31L});
    var p123 =
        new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(
            new Object[] {UTF8String.fromString("p123"), 123 * 31L});
    assertThat(strings.sameId(p12, 0, 12)).isTrue();
    assertThat(strings.sameId(p12, 0, 123)).isFalse();
    assertThat(strings.sameId(p123, 0, 12)).isFalse();
    assertThat(strings.sameId(p123, 0, 123)).isTrue();
    assertThat(longs.sameId(p12, 1, 12)).isTrue();
    assertThat(longs.sameId(p123, 1, 12)).isFalse();
  }

  @Test
  void idsWhoseBytesAreNotUtf8AndDecodeToOneTextAreOnePerson() {
    Propagator.Utf8Ids index = new Propagator.Utf8Ids();
    int ff = index.id(UTF8String.fromBytes(new byte[] {(byte) 0xFF}));
    int fe = index.id(UTF8String.fromBytes(new byte[] {(byte) 0xFE}));
    int a = index.id(UTF8String.fromString("a"));
    assertThat(List.of(ff, fe, a)).containsExactly(0, 1, 2);
    IdOrder.Numbered numbered = IdOrder.of(List.of(shareOf(index)));
    assertThat(numbered.names()).containsExactly("a", "\uFFFD");
    assertThat(numbered.numbers()[0]).containsExactly(1, 1, 0);
  }

  @Test
  void longIdsWhoseHalvesAreEqualSpreadOverTheTable() {
    // (i << 32) | i: Long.hashCode gives 0 for every one of them, and i << 16 leaves the low 16
    // bits 0. Their first slots in a table of 2^17 must still be nearly all different.
    Set<Integer> halves = new HashSet<>();
    Set<Integer> shifted = new HashSet<>();
    for (long i = 0; i < 50_000; i++) {
      halves.add(Propagator.Ids.home(Propagator.LongIds.hash((i << 32) | i), (1 << 17) - 1));
      shifted.add(Propagator.Ids.home(Propagator.LongIds.hash(i << 16), (1 << 17) - 1));
    }
    assertThat(halves.size()).isGreaterThan(35_000);
    assertThat(shifted.size()).isGreaterThan(35_000);
    Propagator.LongIds index = new Propagator.LongIds();
    for (long i = 0; i < 50_000; i++) {
      assertThat(index.id((i << 32) | i)).isEqualTo((int) i);
    }
    assertThat(index.id((7L << 32) | 7)).isEqualTo(7);
    String[] names = IdOrder.of(List.of(shareOf(index))).names();
    assertThat(names).hasSize(50_000);
    assertThat(names[7]).isEqualTo(Long.toString((7L << 32) | 7));
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
