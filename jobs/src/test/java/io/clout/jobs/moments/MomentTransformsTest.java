package io.clout.jobs.moments;

import static io.clout.jobs.TestSpark.df;
import static io.clout.jobs.score.Rounded.exactSum;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.clout.common.config.CloutConfig;
import io.clout.common.config.ConfigLoader;
import io.clout.jobs.Tables;
import io.clout.jobs.window.InteractionWindow;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Moments, outreach and unanswered influencers on a hand-built day around person B. */
class MomentTransformsTest {
  static final CloutConfig CONFIG =
      ConfigLoader.load(null, Map.of("scoring.model-version", "clout-1"), Map.of());
  static final LocalDate DAY = LocalDate.parse("2026-01-10");
  static Dataset<Row> engagements;
  static Dataset<Row> events;
  static Dataset<Row> scores;

  static String e(String id, String type, String actor, String target, String post, String time) {
    return String.format(
        "{\"network\":\"twitter\",\"event_id\":\"%s\",\"type\":\"%s\",\"actor_id\":\"%s\",\"target_id\":%s,\"post_id\":%s,"
            + "\"occurred_at\":\"2026-01-10T%s:00Z\",\"event_date\":\"2026-01-10\",\"ingest_date\":\"2026-01-10\"}",
        id,
        type,
        actor,
        target == null ? "null" : "\"" + target + "\"",
        post == null ? "null" : "\"" + post + "\"",
        time);
  }

  @BeforeAll
  static void build() {
    engagements =
        df(
            Tables.ENGAGEMENTS.ddl(),
            e("1", "post", "B", null, "p1", "08:00"),
            e("2", "post", "B", null, "p2", "08:00"),
            e("3", "post", "B", null, "p3", "08:00"),
            e("4", "post", "H", null, "ph", "07:00"),
            // p1: one like from H, scoring 70. p2: three likes from people scoring 13-15.
            e("10", "like", "H", "B", "p1", "09:00"),
            e("11", "like", "L1", "B", "p2", "09:00"),
            e("12", "like", "L2", "B", "p2", "09:01"),
            e("13", "like", "L3", "B", "p2", "09:02"),
            e("14", "like", "L1", "B", "p2", "09:03"),
            // p3: a small like from L3 only.
            e("15", "like", "L3", "B", "p3", "09:04"),
            // B answers H (comment on H's post after H's like) and reaches out to L1 (no answer).
            e("20", "comment", "B", "H", "ph", "10:00"),
            e("21", "reply", "H", "B", "ph", "11:00"),
            e("22", "mention", "B", "L1", null, "10:30"),
            // I2 (65) shares p3 and is never answered; I3 (90) was replied to only before it
            // engaged.
            e("30", "share", "I2", "B", "p3", "12:00"),
            e("31", "reply", "B", "I3", "ph", "06:00"),
            e("32", "comment", "I3", "B", "p3", "13:00"),
            // Low scorers are no influencers, answered or not.
            e("33", "comment", "L2", "B", "p3", "13:30"),
            // Outreach away from B: a follow back is no answer; of L3 and L2, who mention each
            // other, only the later mention answers the earlier one.
            e("40", "mention", "L1", "L3", null, "14:00"),
            e("41", "follow", "L3", "L1", null, "15:00"),
            e("42", "mention", "L3", "L2", null, "08:00"),
            e("43", "mention", "L2", "L3", null, "14:00"));
    events = resolve(engagements);
    scores =
        df(
            "person_id STRING, score DOUBLE",
            "{\"person_id\":\"twitter:B\",\"score\":20.0}",
            "{\"person_id\":\"twitter:H\",\"score\":70.0}",
            "{\"person_id\":\"twitter:L1\",\"score\":15.0}",
            "{\"person_id\":\"twitter:L2\",\"score\":14.0}",
            "{\"person_id\":\"twitter:L3\",\"score\":13.0}",
            "{\"person_id\":\"twitter:I2\",\"score\":65.0}",
            "{\"person_id\":\"twitter:I3\",\"score\":90.0}");
  }

  private static Dataset<Row> resolve(Dataset<Row> engagements) {
    return InteractionWindow.resolve(
        engagements, df(Tables.IDENTITIES.ddl()), DAY, CONFIG.scoring());
  }

  private Dataset<Row> received(Dataset<Row> dayScores, CloutConfig config) {
    return MomentTransforms.received(events, dayScores, config.scoring());
  }

  private Dataset<Row> onPosts(Dataset<Row> dayScores, CloutConfig config) {
    return MomentTransforms.onPosts(events, received(dayScores, config));
  }

  @Test
  void momentsRankPostsByEngagementWeightedByTheEngagersScore() {
    List<Row> m =
        MomentTransforms.moments(events, onPosts(scores, CONFIG), DAY, CONFIG.moments())
            .where(col("person_id").equalTo("twitter:B"))
            .orderBy("position")
            .collectAsList();
    // p3: share from 65 (65) + comment from 90 (54) + comment 14 (8.4) + like 13 (2.6); p1: 0.2 x
    // 70 = 14;
    // p2: four likes from 13-15 people: 0.2 x (15 + 14 + 13 + 15) = 11.4.
    assertThat(m).extracting(r -> r.<String>getAs("post_id")).containsExactly("p3", "p1", "p2");
    assertThat(m.get(1).<Double>getAs("moment_score")).isEqualTo(0.2 * 70);
    assertThat(m.get(2).<Long>getAs("likes")).isEqualTo(4L);
    assertThat(m.get(2).<Long>getAs("distinct_engagers")).isEqualTo(3L);
    assertThat(m.get(2).getAs("posted_at").toString()).startsWith("2026-01-10 08:00");
    // Every engager, highest score first, with their types and score.
    List<Row> engagers = m.get(2).getList(m.get(2).fieldIndex("engagers"));
    assertThat(engagers)
        .extracting(r -> r.<String>getAs("person_id"))
        .containsExactly("twitter:L1", "twitter:L2", "twitter:L3");
    assertThat(engagers)
        .extracting(r -> r.<Double>getAs("score"))
        .containsExactly(15.0, 14.0, 13.0);
    assertThat(engagers.get(0).<Long>getAs("engagements")).isEqualTo(2L);
    assertThat(engagers.get(0).getList(engagers.get(0).fieldIndex("types")))
        .containsExactly("like");
  }

  @Test
  void aMomentListsAtMostMaxEngagersTheHighestScoringFirstButCountsThemAll() {
    CloutConfig capped =
        ConfigLoader.load(
            null,
            Map.of("scoring.model-version", "clout-1", "moments.max-engagers", "2"),
            Map.of());
    Row p2 =
        MomentTransforms.moments(events, onPosts(scores, capped), DAY, capped.moments())
            .where(col("post_id").equalTo("p2"))
            .head();
    assertThat(p2.<Long>getAs("distinct_engagers")).isEqualTo(3L);
    assertThat(p2.getList(p2.fieldIndex("engagers")))
        .extracting(r -> ((Row) r).<String>getAs("person_id"))
        .containsExactly("twitter:L1", "twitter:L2");
  }

  @Test
  void outreachSaysWhoAnswered() {
    List<Row> out =
        MomentTransforms.outreach(events, scores, DAY)
            .where(col("person_id").equalTo("twitter:B"))
            .orderBy("reached_id")
            .collectAsList();
    assertThat(out)
        .extracting(r -> r.<String>getAs("reached_id"))
        .containsExactly("twitter:H", "twitter:I3", "twitter:L1");
    assertThat(out)
        .extracting(r -> r.<Boolean>getAs("answered"))
        .containsExactly(true, true, false);
    assertThat(out.get(0).<Long>getAs("comments")).isEqualTo(1L);
    assertThat(out.get(0).<Double>getAs("reached_score")).isEqualTo(70.0);
  }

  @Test
  void onlyAnEngagementBackAtOrAfterTheFirstOutreachAnswersIt() {
    List<Row> out =
        MomentTransforms.outreach(events, scores, DAY)
            .where(col("reached_id").isin("twitter:L1", "twitter:L2", "twitter:L3"))
            .where(col("person_id").notEqual("twitter:B"))
            .orderBy("person_id")
            .collectAsList();
    assertThat(out)
        .extracting(r -> r.<String>getAs("person_id") + ">" + r.<String>getAs("reached_id"))
        .containsExactly("twitter:L1>twitter:L3", "twitter:L2>twitter:L3", "twitter:L3>twitter:L2");
    assertThat(out)
        .extracting(r -> r.<Boolean>getAs("answered"))
        .containsExactly(false, false, true);
    assertThat(out.get(2).getAs("answered_at").toString()).startsWith("2026-01-10 14:00");
    assertThat(out).extracting(r -> r.<Long>getAs("mentions")).containsOnly(1L);
  }

  @Test
  void unansweredInfluencersLeaveOutThoseThePersonAnswered() {
    List<Row> u =
        MomentTransforms.unansweredInfluencers(
                events, received(scores, CONFIG), scores, DAY, CONFIG.moments())
            .where(col("person_id").equalTo("twitter:B"))
            .orderBy("engager_id")
            .collectAsList();
    // H (70) was answered after engaging; L2 scores too low; I2 and I3 were never answered
    // afterwards.
    assertThat(u)
        .extracting(r -> r.<String>getAs("engager_id"))
        .containsExactly("twitter:I2", "twitter:I3");
    assertThat(u).extracting(r -> r.<Double>getAs("threshold")).containsOnly(60.0);
  }

  @Test
  void anEngagersTypesAreListedOnceEachInNameOrder() {
    // I2 also likes p3 and comments on it twice: share, like, comment, comment.
    Dataset<Row> more =
        events.unionByName(
            InteractionWindow.resolve(
                df(
                    Tables.ENGAGEMENTS.ddl(),
                    e("50", "like", "I2", "B", "p3", "12:10"),
                    e("51", "comment", "I2", "B", "p3", "12:20"),
                    e("52", "comment", "I2", "B", "p3", "12:30")),
                df(Tables.IDENTITIES.ddl()),
                DAY,
                CONFIG.scoring()));
    Dataset<Row> received = MomentTransforms.received(more, scores, CONFIG.scoring());
    Row i2 =
        MomentTransforms.unansweredInfluencers(more, received, scores, DAY, CONFIG.moments())
            .where(col("engager_id").equalTo("twitter:I2"))
            .head();
    assertThat(i2.getList(i2.fieldIndex("types"))).containsExactly("comment", "like", "share");
    assertThat(i2.<Long>getAs("engagements")).isEqualTo(4L);
    Row onP3 =
        MomentTransforms.moments(
                more, MomentTransforms.onPosts(more, received), DAY, CONFIG.moments())
            .where(col("post_id").equalTo("p3"))
            .head();
    Row engager = onP3.<Row>getList(onP3.fieldIndex("engagers")).get(1);
    assertThat(engager.<String>getAs("person_id")).isEqualTo("twitter:I2");
    assertThat(engager.getList(engager.fieldIndex("types")))
        .containsExactly("comment", "like", "share");
  }

  @Test
  void theThresholdRisesWithTheOwnScore() {
    Dataset<Row> higher =
        scores.withColumn(
            "score",
            org.apache
                .spark
                .sql
                .functions
                .when(col("person_id").equalTo("twitter:B"), 50.0)
                .otherwise(col("score")));
    List<Row> u =
        MomentTransforms.unansweredInfluencers(
                events, received(higher, CONFIG), higher, DAY, CONFIG.moments())
            .where(col("person_id").equalTo("twitter:B"))
            .collectAsList();
    // 50 + 20 = 70: I2 at 65 no longer counts.
    assertThat(u).extracting(r -> r.<String>getAs("engager_id")).containsExactly("twitter:I3");
  }

  @Test
  void breakdownCountsReceivedEngagementPerDimension() {
    List<Row> b =
        MomentTransforms.breakdown(received(scores, CONFIG), DAY)
            .where(col("person_id").equalTo("twitter:B"))
            .collectAsList();
    long byType =
        b.stream()
            .filter(r -> r.getAs("dimension").equals("engagement_type"))
            .mapToLong(r -> r.<Long>getAs("engagements"))
            .sum();
    long byHour =
        b.stream()
            .filter(r -> r.getAs("dimension").equals("hour_of_day"))
            .mapToLong(r -> r.<Long>getAs("engagements"))
            .sum();
    assertThat(byType).isEqualTo(10L).isEqualTo(byHour);
    assertThat(b)
        .filteredOn(r -> r.getAs("dimension").equals("hour_of_day") && r.getAs("value").equals("9"))
        .extracting(r -> r.<Long>getAs("engagements"))
        .containsExactly(6L);
  }

  @Test
  void breakdownEqualsEachDimensionCountedOnItsOwn() {
    // A second network beside the fixture's, with an engager who comes back at another hour.
    Dataset<Row> received =
        MomentTransforms.received(
            resolve(
                engagements.unionByName(
                    df(
                        Tables.ENGAGEMENTS.ddl(),
                        facebook(e("50", "like", "L1", "B", "q1", "09:00")),
                        facebook(e("51", "comment", "L1", "B", "q1", "17:00")),
                        facebook(e("52", "share", "L2", "B", "q1", "17:30")),
                        facebook(e("53", "mention", "B", "L2", null, "18:00"))))),
            scores,
            CONFIG.scoring());
    Dataset<Row> expected =
        counted(received, "network", col("network"))
            .unionByName(counted(received, "engagement_type", col("type")))
            .unionByName(counted(received, "hour_of_day", hour(col("occurred_at")).cast("string")));
    Dataset<Row> actual = MomentTransforms.breakdown(received, DAY).drop("score_date");

    assertThat(actual.exceptAll(expected).collectAsList()).isEmpty();
    assertThat(expected.exceptAll(actual).collectAsList()).isEmpty();
    // The day exercises what the breakdown's key encodes: a second network (facebook:B and
    // facebook:L2 receive on it), and values whose engagers are fewer than their engagements.
    assertThat(expected.where(col("value").equalTo("facebook")).count()).isEqualTo(2);
    assertThat(expected.where(col("engagers").lt(col("engagements"))).count()).isPositive();
  }

  private static String facebook(String line) {
    return line.replace("\"twitter\"", "\"facebook\"");
  }

  /** One dimension's breakdown the plain way: grouped by its value as a string. */
  private static Dataset<Row> counted(Dataset<Row> received, String dimension, Column value) {
    return received
        .groupBy(
            col("target_person").as("person_id"), lit(dimension).as("dimension"), value.as("value"))
        .agg(
            count(lit(1)).as("engagements"),
            countDistinct("actor_person").as("engagers"),
            exactSum(col("type_weight"), 9).as("weight"),
            exactSum(col("type_weight").multiply(col("engager_score")), 9).as("weighted_by_score"));
  }
}
