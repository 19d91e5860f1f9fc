package io.clout.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTest {
  static final Generator.Params PARAMS =
      new Generator.Params(300, 3, LocalDate.parse("2026-02-01"), 11, 0.01);
  @TempDir Path dir;

  static Map<String, byte[]> files(Path root) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(f).toString(), Files.readAllBytes(f));
      }
    }
    return out;
  }

  static List<String> lines(Path root) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root.resolve("engagement"))) {
      for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
        try (InputStream in =
            f.toString().endsWith(".gz")
                ? new GZIPInputStream(Files.newInputStream(f))
                : Files.newInputStream(f)) {
          out.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        }
      }
    }
    return out;
  }

  @Test
  void theSameSeedGivesTheSameBytesAndAnotherSeedDoesNot() throws IOException {
    Generator.generate(PARAMS, dir.resolve("a"));
    Generator.generate(PARAMS, dir.resolve("b"));
    Generator.generate(new Generator.Params(300, 3, PARAMS.start(), 12, 0.01), dir.resolve("c"));
    Map<String, byte[]> a = files(dir.resolve("a"));
    Map<String, byte[]> b = files(dir.resolve("b"));
    assertThat(a.keySet())
        .isEqualTo(b.keySet())
        .contains("engagement/dt=2026-02-03/part-twitter-00000.jsonl.gz");
    a.forEach((name, bytes) -> assertThat(b.get(name)).as(name).isEqualTo(bytes));
    assertThat(files(dir.resolve("c")).get("engagement/dt=2026-02-01/part-twitter-00000.jsonl.gz"))
        .isNotEqualTo(a.get("engagement/dt=2026-02-01/part-twitter-00000.jsonl.gz"));
  }

  @Test
  void writesTheShapesTheProductMustHandle() throws IOException {
    Generator.Manifest m = Generator.generate(PARAMS, dir);
    List<String> lines = lines(dir);
    assertThat((long) lines.size())
        .isEqualTo(m.linesPerDay().values().stream().mapToLong(Long::longValue).sum());

    ObjectMapper json = new ObjectMapper();
    Set<String> types = new HashSet<>();
    Set<String> networks = new HashSet<>();
    Map<String, Integer> engagementsOfViral = new TreeMap<>();
    Map<String, Integer> actionsBy = new TreeMap<>();
    int unparsable = 0;
    for (String l : lines) {
      JsonNode n;
      try {
        n = json.readTree(l);
      } catch (IOException e) {
        unparsable++;
        continue;
      }
      types.add(n.path("type").asText());
      networks.add(n.path("network").asText());
      actionsBy.merge(n.path("actor_id").asText(), 1, Integer::sum);
      String post = n.path("post_id").asText();
      if (m.viralPosts().containsKey(post) && !n.path("type").asText().equals("post")) {
        engagementsOfViral.merge(post, 1, Integer::sum);
      }
    }
    assertThat(types).contains("post", "like", "comment", "reply", "share", "mention", "follow");
    assertThat(networks).contains("twitter", "facebook", "instagram");
    assertThat(unparsable).isPositive();
    // Each viral post draws a burst far above an ordinary post's handful.
    assertThat(engagementsOfViral).hasSize(m.viralPosts().size());
    assertThat(engagementsOfViral.values()).allSatisfy(n -> assertThat(n).isGreaterThan(60));
    // Spam accounts act far more than the typical person.
    assertThat(actionsBy.get("twspam0")).isGreaterThan(10 * actionsBy.get("tw100250"));
    assertThat(m.ringPersons()).hasSize(8);
    assertThat(m.quietFrom()).isNotEmpty();
    // Quiet people do nothing from their quiet day on.
    String quiet = m.quietFrom().keySet().iterator().next();
    assertThat(m.quietFrom().get(quiet)).isGreaterThan(PARAMS.start().toString());
    // Accounts linked across networks.
    List<String> ids = Files.readAllLines(dir.resolve("identities/identities.jsonl"));
    assertThat(ids)
        .anyMatch(l -> l.contains("\"facebook\""))
        .anyMatch(l -> l.contains("\"twitter\""));
  }
}
