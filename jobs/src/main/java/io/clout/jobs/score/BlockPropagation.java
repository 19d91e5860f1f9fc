package io.clout.jobs.score;

import static io.clout.jobs.score.Rounded.bround;
import static org.apache.spark.sql.functions.col;

import io.clout.common.scoring.Propagation;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.HashPartitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction2;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * {@link Propagator}'s distributed path, laid out the way GraphX lays out PageRank but for this one
 * computation. Every node belongs to one of P blocks (by a hash of its id); block k holds the ranks
 * of its nodes, their in-edges in CSR order, and which of its nodes each other block reads. An
 * iteration is one shuffle of plain double arrays (block j sends block k the ranks k's edges read)
 * and one pass over each block's edges: no joins and no per-edge rows. Each node's sum runs in a
 * fixed order, so reruns give the same bits.
 */
final class BlockPropagation {
  private BlockPropagation() {}

  /** One edge as the shuffle to its destination's block carries it. */
  record InEdge(String src, String dst, double p) implements Serializable {}

  /** Block {@code from} asks for these of the receiving block's nodes, in this order. */
  record Request(int from, String[] ids) implements Serializable {}

  /** The ranks block {@code from} sends: those the receiver asked for, in the order it asked. */
  record Message(int from, double[] ranks) implements Serializable {}

  /** A block's ranks, aligned with its nodes, and the absolute change that produced them. */
  record Ranks(double[] r, double change) implements Serializable {}

  /**
   * Block {@code index}: its nodes in id order; {@code sendTo[k]}, the positions of the nodes block
   * k reads; the in-edges by destination (CSR {@code offsets}), each reading slot {@code inSlot} of
   * the ranks received, where block j's ranks start at {@code slotStart[j]}.
   */
  record Block(
      int index,
      String[] nodes,
      int[][] sendTo,
      int[] slotStart,
      int[] offsets,
      int[] inSlot,
      double[] inP)
      implements Serializable {}

  static Dataset<Row> ranks(Dataset<Row> edges, Propagator.Settings s) {
    SparkSession spark = edges.sparkSession();
    JavaRDD<Row> input = edges.select(col("src"), col("dst"), col("p")).javaRDD();
    // One block per input partition, and at least one per core.
    int blocks = Math.max(spark.sparkContext().defaultParallelism(), input.getNumPartitions());
    HashPartitioner byBlock = new HashPartitioner(blocks);
    JavaPairRDD<Integer, InEdge> byDst =
        input
            .mapToPair(
                r -> {
                  InEdge e = new InEdge(r.getString(0), r.getString(1), r.getDouble(2));
                  return new Tuple2<>(owner(e.dst(), blocks), e);
                })
            .partitionBy(byBlock);
    // The shuffled edges are read twice (requests, then blocks): from shuffle files, not upstream.
    JavaPairRDD<Integer, Request> requests =
        byDst.mapPartitionsToPair(new Requests(blocks)).partitionBy(byBlock);
    JavaRDD<Block> graph = byDst.values().zipPartitions(requests.values(), new Build(blocks));
    graph.persist(StorageLevel.MEMORY_AND_DISK());
    long n = graph.map(b -> (long) b.nodes().length).reduce(Long::sum);

    JavaRDD<Ranks> ranks = graph.map(b -> ones(b.nodes().length));
    ranks.persist(StorageLevel.MEMORY_AND_DISK());
    int it = 0;
    while (it < s.maxIterations()) {
      JavaRDD<Message> messages =
          JavaPairRDD.fromJavaRDD(graph.zipPartitions(ranks, new Send()))
              .partitionBy(byBlock)
              .values();
      JavaRDD<Ranks> next =
          graph
              .zipPartitions(
                  ranks, (bs, rs) -> List.of(new Tuple2<>(bs.next(), rs.next())).iterator())
              .zipPartitions(messages, new Step(s.damping()));
      next.persist(StorageLevel.MEMORY_AND_DISK());
      it++;
      // Cut the lineage regularly, so a long run's plan does not grow with its iterations.
      if (it % s.checkpointEvery() == 0) {
        next.rdd().localCheckpoint();
      }
      // In block order, so the stopping test sees the same sum on every run.
      double change = next.map(Ranks::change).collect().stream().mapToDouble(d -> d).sum();
      ranks.unpersist(false);
      ranks = next;
      if (change / Math.max(1, n) < s.tolerance()) {
        break;
      }
    }
    int iterations = it;
    JavaRDD<Row> rows =
        graph.zipPartitions(
            ranks,
            (bs, rs) -> {
              Block b = bs.next();
              double[] r = rs.next().r();
              List<Row> out = new ArrayList<>(b.nodes().length);
              for (int i = 0; i < r.length; i++) {
                out.add(RowFactory.create(b.nodes()[i], r[i], iterations));
              }
              return out.iterator();
            });
    Dataset<Row> result = spark.createDataFrame(rows, Propagator.RANKS).localCheckpoint();
    ranks.unpersist(false);
    graph.unpersist(false);
    // Rounded far below any visible digit, as the path's results always have been.
    return result.select(col("person_id"), bround(col("rank"), 12).as("rank"), col("iterations"));
  }

  /** The block a node belongs to: a mixed hash of its id, so similar ids spread. */
  static int owner(String id, int blocks) {
    int h = id.hashCode();
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return Math.floorMod(h, blocks);
  }

  static Ranks ones(int n) {
    double[] r = new double[n];
    Arrays.fill(r, 1.0);
    return new Ranks(r, 0);
  }

  /** The distinct sources of a block's edges, grouped by the block they belong to, in id order. */
  static String[][] reads(Iterable<String> sources, int blocks) {
    List<TreeSet<String>> byOwner = new ArrayList<>();
    for (int j = 0; j < blocks; j++) {
      byOwner.add(new TreeSet<>());
    }
    for (String id : sources) {
      byOwner.get(owner(id, blocks)).add(id);
    }
    String[][] out = new String[blocks][];
    for (int j = 0; j < blocks; j++) {
      out[j] = byOwner.get(j).toArray(new String[0]);
    }
    return out;
  }

  /** Executor side: what each block asks of the others. */
  static final class Requests
      implements PairFlatMapFunction<Iterator<Tuple2<Integer, InEdge>>, Integer, Request> {
    private final int blocks;

    Requests(int blocks) {
      this.blocks = blocks;
    }

    @Override
    public Iterator<Tuple2<Integer, Request>> call(Iterator<Tuple2<Integer, InEdge>> edges) {
      Set<String> sources = new HashSet<>();
      edges.forEachRemaining(e -> sources.add(e._2().src()));
      String[][] reads = reads(sources, blocks);
      int self = TaskContext.getPartitionId();
      List<Tuple2<Integer, Request>> out = new ArrayList<>();
      for (int j = 0; j < blocks; j++) {
        if (reads[j].length > 0) {
          out.add(new Tuple2<>(j, new Request(self, reads[j])));
        }
      }
      return out.iterator();
    }
  }

  /**
   * Executor side: a block from its in-edges and the requests it received. Its nodes are the
   * destinations of its edges and every node another block asked for.
   */
  static final class Build implements FlatMapFunction2<Iterator<InEdge>, Iterator<Request>, Block> {
    private final int blocks;

    Build(int blocks) {
      this.blocks = blocks;
    }

    @Override
    public Iterator<Block> call(Iterator<InEdge> edgeRows, Iterator<Request> requestRows) {
      // Ids numbered as first seen, so the strings are held once each, not once per edge.
      Map<String, Integer> srcSeen = new HashMap<>();
      Map<String, Integer> dstSeen = new HashMap<>();
      int[] srcFirst = new int[1024];
      int[] dstFirst = new int[1024];
      double[] weight = new double[1024];
      int m = 0;
      while (edgeRows.hasNext()) {
        InEdge e = edgeRows.next();
        if (m == weight.length) {
          srcFirst = Arrays.copyOf(srcFirst, 2 * m);
          dstFirst = Arrays.copyOf(dstFirst, 2 * m);
          weight = Arrays.copyOf(weight, 2 * m);
        }
        srcFirst[m] = srcSeen.computeIfAbsent(e.src(), k -> srcSeen.size());
        dstFirst[m] = dstSeen.computeIfAbsent(e.dst(), k -> dstSeen.size());
        weight[m++] = e.p();
      }
      List<Request> requests = new ArrayList<>();
      requestRows.forEachRemaining(requests::add);

      TreeSet<String> own = new TreeSet<>(dstSeen.keySet());
      requests.forEach(q -> own.addAll(Arrays.asList(q.ids())));
      String[] nodes = own.toArray(new String[0]);
      int[][] sendTo = new int[blocks][];
      for (Request q : requests) {
        sendTo[q.from()] = new int[q.ids().length];
        for (int i = 0; i < q.ids().length; i++) {
          sendTo[q.from()][i] = Arrays.binarySearch(nodes, q.ids()[i]);
        }
      }
      int[] dstAt = new int[dstSeen.size()];
      dstSeen.forEach((id, first) -> dstAt[first] = Arrays.binarySearch(nodes, id));
      // The slots this block reads, as its requests listed them (so Requests and Build agree).
      String[][] reads = reads(srcSeen.keySet(), blocks);
      int[] slotStart = new int[blocks + 1];
      int[] slotOf = new int[srcSeen.size()];
      for (int j = 0; j < blocks; j++) {
        slotStart[j + 1] = slotStart[j] + reads[j].length;
        for (int i = 0; i < reads[j].length; i++) {
          slotOf[srcSeen.get(reads[j][i])] = slotStart[j] + i;
        }
      }
      int[] dst = new int[m];
      int[] src = new int[m];
      for (int e = 0; e < m; e++) {
        dst[e] = dstAt[dstFirst[e]];
        src[e] = slotOf[srcFirst[e]];
      }
      // In-edges by (destination, source slot), whatever order the shuffle delivered them in.
      int[] order =
          Propagator.InMemoryRank.countingSort(
              nodes.length,
              dst,
              m,
              Propagator.InMemoryRank.countingSort(slotStart[blocks], src, m, null));
      int[] offsets = new int[nodes.length + 1];
      int[] inSlot = new int[m];
      double[] inP = new double[m];
      for (int k = 0; k < m; k++) {
        int e = order[k];
        offsets[dst[e] + 1]++;
        inSlot[k] = src[e];
        inP[k] = weight[e];
      }
      for (int v = 0; v < nodes.length; v++) {
        offsets[v + 1] += offsets[v];
      }
      int self = TaskContext.getPartitionId();
      return List.of(new Block(self, nodes, sendTo, slotStart, offsets, inSlot, inP)).iterator();
    }
  }

  /** Executor side: a block sends each reader the ranks it asked for. */
  static final class Send
      implements FlatMapFunction2<Iterator<Block>, Iterator<Ranks>, Tuple2<Integer, Message>> {
    @Override
    public Iterator<Tuple2<Integer, Message>> call(Iterator<Block> bs, Iterator<Ranks> rs) {
      Block b = bs.next();
      double[] r = rs.next().r();
      List<Tuple2<Integer, Message>> out = new ArrayList<>();
      for (int k = 0; k < b.sendTo().length; k++) {
        int[] wanted = b.sendTo()[k];
        if (wanted != null) {
          double[] values = new double[wanted.length];
          for (int i = 0; i < wanted.length; i++) {
            values[i] = r[wanted[i]];
          }
          out.add(new Tuple2<>(k, new Message(b.index(), values)));
        }
      }
      return out.iterator();
    }
  }

  /** Executor side: one iteration of a block, r(v) = (1 - d) + d * sum of p * r(src). */
  static final class Step
      implements FlatMapFunction2<Iterator<Tuple2<Block, Ranks>>, Iterator<Message>, Ranks> {
    private final double damping;

    Step(double damping) {
      this.damping = damping;
    }

    @Override
    public Iterator<Ranks> call(Iterator<Tuple2<Block, Ranks>> state, Iterator<Message> messages) {
      Tuple2<Block, Ranks> t = state.next();
      Block b = t._1();
      double[] old = t._2().r();
      double[] in = new double[b.slotStart()[b.slotStart().length - 1]];
      messages.forEachRemaining(
          msg ->
              System.arraycopy(msg.ranks(), 0, in, b.slotStart()[msg.from()], msg.ranks().length));
      double[] r = new double[old.length];
      double change = Propagation.step(b.offsets(), b.inSlot(), b.inP(), in, old, damping, r);
      return List.of(new Ranks(r, change)).iterator();
    }
  }
}
