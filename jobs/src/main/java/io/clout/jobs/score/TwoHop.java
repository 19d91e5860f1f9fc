package io.clout.jobs.score;

import static io.clout.jobs.score.Rounded.bround;
import static io.clout.jobs.score.Rounded.exactSum;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.clout.common.scoring.ScoringParams;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * clout-2's propagation (scoring.propagation = two-hop): each engager passes its capped vote p
 * times the teleport rank, and relays a share (second-hop-weight) of its own first-order rank by
 * its plain share q. Two aggregations, no loop, so no rank can come back to where it started:
 *
 * <pre>
 *   x1(v) = d (1 - d) sum_u p(u,v)
 *   r(v)  = (1 - d) + x1(v) + d beta sum_u q(u,v) x1(u)
 * </pre>
 *
 * The contribution of engager u to v, d p(u,v) (1 - d) + d beta q(u,v) x1(u), adds up to r(v) - (1
 * - d) (score_drivers). docs/scoring.md.
 */
public final class TwoHop {
  private TwoHop() {}

  /**
   * @param edges src, dst, p, q
   * @return person_id, rank, iterations (2), first_order (x1) for every person the edges touch
   */
  public static Dataset<Row> ranks(Dataset<Row> edges, ScoringParams p) {
    double d = p.damping();
    Dataset<Row> first =
        edges
            .groupBy(col("dst").as("_v"))
            .agg(bround(exactSum(col("p"), 15).multiply(d * (1 - d)), 12).as("first_order"));
    Dataset<Row> relayed =
        edges
            .join(
                first.select(col("_v").as("_u"), col("first_order").as("_x1")),
                col("src").equalTo(col("_u")))
            .groupBy(col("dst").as("_w"))
            .agg(
                bround(
                        exactSum(col("q").multiply(col("_x1")), 15)
                            .multiply(d * p.secondHopWeight()),
                        12)
                    .as("second"));
    Dataset<Row> people =
        edges.select(col("src").as("person_id")).union(edges.select(col("dst"))).distinct();
    return people
        .join(first, col("person_id").equalTo(col("_v")), "left")
        .join(relayed, col("person_id").equalTo(col("_w")), "left")
        .select(
            col("person_id"),
            bround(
                    lit(1 - d)
                        .plus(coalesce(col("first_order"), lit(0.0)))
                        .plus(coalesce(col("second"), lit(0.0))),
                    12)
                .as("rank"),
            lit(2).as("iterations"),
            coalesce(col("first_order"), lit(0.0)).as("first_order"));
  }
}
