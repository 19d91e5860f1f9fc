package io.clout.jobs.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.clout.common.events.Event;
import io.clout.common.events.Parsed;
import io.clout.common.events.Reason;
import io.clout.common.events.RecordParser;
import io.clout.common.events.ValidationRules;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporalImporterTest {
  @TempDir Path dir;

  static List<String> lines(Path f) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  @Test
  void convertsEachKindIntoTheContractOnePartitionPerUtcDay() throws IOException {
    Path in = dir.resolve("higgs.txt");
    // 1341100972 = 2012-07-01T00:02:52Z; 1341187372 is a day later.
    Files.writeString(
        in,
        "223789 213163 1341100972 MT\n376989 50329 1341101181 RT\n1 2 1341187372 RE\n5 5 1341187373 RT\n7 8 1341187374\nbroken\n");
    TemporalImporter.Result r = TemporalImporter.run(in, dir.resolve("raw"), "twitter", "reply");
    assertThat(r.linesPerDay()).containsEntry("2012-07-01", 2L).containsEntry("2012-07-02", 3L);
    assertThat(r.unparsable()).isEqualTo(1);

    List<String> day1 = lines(dir.resolve("raw/engagement/dt=2012-07-01/part-0.jsonl.gz"));
    List<String> day2 = lines(dir.resolve("raw/engagement/dt=2012-07-02/part-0.jsonl.gz"));
    // Every written line passes the contract's own parser, except the self-engagement.
    ValidationRules rules = new ValidationRules(Set.of("twitter"), 65536, 30, 1);
    List<Parsed<Event>> parsed1 =
        day1.stream()
            .map(new RecordParser(rules, LocalDate.parse("2012-07-01"))::parseEvent)
            .toList();
    List<Parsed<Event>> parsed2 =
        day2.stream()
            .map(new RecordParser(rules, LocalDate.parse("2012-07-02"))::parseEvent)
            .toList();
    assertThat(parsed1).allMatch(Parsed::isOk);
    assertThat(parsed1.get(0).value().type().wire()).isEqualTo("mention");
    assertThat(parsed1.get(0).value().postId()).isNull();
    assertThat(parsed1.get(1).value().type().wire()).isEqualTo("share");
    assertThat(parsed1.get(1).value().postId()).isEqualTo("twitter-50329-2012-07-01");
    assertThat(parsed2)
        .extracting(Parsed::reason)
        .containsExactly(null, Reason.SELF_ENGAGEMENT, null);
    assertThat(parsed2.get(2).value().type().wire()).isEqualTo("reply");
  }

  @Test
  void readsKonectFilesSkippingCommentsAndNonPositiveWeights() throws IOException {
    Path in = dir.resolve("out.soc-sign-bitcoinotc");
    Files.writeString(
        in,
        "% asym signed\n% 5 3 3\n1\t2\t4\t1289241911.72836\n2 3 -10 1289241941\n"
            + "3 1 1 1289328311\n4 5 1 notatime\n");
    TemporalImporter.Result r =
        TemporalImporter.run(
            in, dir.resolve("raw"), "otc", "reply", TemporalImporter.Format.KONECT);
    // 1289241911 = 2010-11-08T18:45:11Z; a day later is 11-09.
    assertThat(r.linesPerDay()).containsEntry("2010-11-08", 1L).containsEntry("2010-11-09", 1L);
    assertThat(r.skipped()).isEqualTo(1);
    assertThat(r.unparsable()).isEqualTo(1);
    List<String> day1 = lines(dir.resolve("raw/engagement/dt=2010-11-08/part-0.jsonl.gz"));
    ValidationRules rules = new ValidationRules(Set.of("otc"), 65536, 30, 1);
    Parsed<Event> e =
        new RecordParser(rules, LocalDate.parse("2010-11-08")).parseEvent(day1.get(0));
    assertThat(e.isOk()).isTrue();
    assertThat(e.value().type().wire()).isEqualTo("reply");
    assertThat(e.value().actorId()).isEqualTo("1");
    assertThat(e.value().targetId()).isEqualTo("2");
    assertThat(e.value().occurredAt().getEpochSecond()).isEqualTo(1289241911L);
  }
}
