package io.clout.jobs.generate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * Writes realistic sample logs in the raw contract: power-law popularity and activity, a few viral
 * posts, people who go quiet, spam accounts, an engagement ring, accounts linked across networks,
 * late events and a small share of malformed lines. The same parameters give the same bytes. A
 * manifest ({@code _generator/manifest.json}) says who is who, for tests and evaluation.
 */
public final class Generator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] NETWORKS = {"twitter", "facebook", "instagram"};
  private static final int RECENT_DAYS = 3;

  /**
   * Lines per raw file. Logs arrive as many bounded files (as a log shipper writes them), and
   * ingest reads one file per task: a gzip file cannot be split, so this is its parallelism.
   */
  static final int LINES_PER_FILE = 250_000;

  /**
   * @param persons honest people (spam and ring accounts come on top)
   * @param malformedRate share of lines written broken
   */
  public record Params(int persons, int days, LocalDate start, long seed, double malformedRate) {
    public Params {
      if (persons < 20 || days < 1) {
        throw new IllegalArgumentException("Cannot generate: need --persons >= 20 and --days >= 1");
      }
    }
  }

  /** Who is who in the generated data, by person id. */
  public record Manifest(
      int persons,
      int days,
      String start,
      long seed,
      Map<String, String> viralPosts,
      Map<String, String> quietFrom,
      List<String> spamPersons,
      List<String> ringPersons,
      Map<String, Long> linesPerDay,
      Map<String, Long> malformedPerDay,
      Map<String, Long> redeliveredPerDay) {}

  private final Params p;
  private final Random rnd;
  private final List<Person> people = new ArrayList<>();
  private final double[] popularityCdf;
  private final double[] activityCdf;
  private final Map<String, Long> seq = new HashMap<>();
  private final Map<String, String> viral = new TreeMap<>();
  private final Map<String, String> quietFrom = new TreeMap<>();
  private final Map<String, Long> linesPerDay = new TreeMap<>();
  private final Map<String, Long> malformedPerDay = new TreeMap<>();
  private final List<Person> spam = new ArrayList<>();
  private long malformedToday;
  private long redelivered;
  private final Map<String, List<String>> yesterday = new HashMap<>();
  private final Map<String, Long> redeliveredPerDay = new TreeMap<>();
  private final List<Person> ring = new ArrayList<>();

  private static final class Person {
    final String id;
    final Map<String, String> accounts = new LinkedHashMap<>();
    final double popularity;
    final double activity;
    int quietFromDay = Integer.MAX_VALUE;
    final List<Post> recent = new ArrayList<>();

    Person(String id, double popularity, double activity) {
      this.id = id;
      this.popularity = popularity;
      this.activity = activity;
    }
  }

  private record Post(String id, String network, Person author, int day) {}

  private Generator(Params p) {
    this.p = p;
    this.rnd = new Random(p.seed());
    for (int i = 0; i < p.persons(); i++) {
      // Popularity and activity both follow power laws, loosely tied to each other.
      double pop = 1.0 / Math.pow(i + 1, 0.9);
      double act = 0.2 + Math.exp(rnd.nextGaussian() * 0.8) * (0.5 + 5 * pop);
      Person person = new Person(String.format("p%06d", i), pop, act);
      person.accounts.put("twitter", "tw" + (100000 + i));
      if (rnd.nextDouble() < 0.4) {
        person.accounts.put("facebook", "fb" + (500000 + i));
      }
      if (rnd.nextDouble() < 0.15) {
        person.accounts.put("instagram", "ig" + (800000 + i));
      }
      people.add(person);
    }
    // One in twenty of the fairly popular goes quiet from some day on.
    for (int i = 5; i < p.persons() / 5; i += 20) {
      Person q = people.get(i);
      q.quietFromDay = p.days() <= 2 ? 1 : 2 + rnd.nextInt(Math.max(1, p.days() - 2));
      quietFrom.put(q.id, p.start().plusDays(q.quietFromDay).toString());
    }
    popularityCdf = cdf(people, true);
    activityCdf = cdf(people, false);
    for (int i = 0; i < 3; i++) {
      Person s = new Person(String.format("spam%02d", i), 0, 0);
      s.accounts.put("twitter", "twspam" + i);
      spam.add(s);
    }
    for (int i = 0; i < 8; i++) {
      Person r = new Person(String.format("ring%02d", i), 0, 0);
      r.accounts.put("twitter", "twring" + i);
      ring.add(r);
    }
  }

  public static Manifest generate(Params p, Path out) throws IOException {
    return new Generator(p).write(out);
  }

  private Manifest write(Path out) throws IOException {
    Path ids = out.resolve("identities");
    Files.createDirectories(ids);
    try (Writer w = Files.newBufferedWriter(ids.resolve("identities.jsonl"))) {
      for (Person person : people) {
        if (person.accounts.size() > 1) {
          for (Map.Entry<String, String> a : person.accounts.entrySet()) {
            ObjectNode n =
                JSON.createObjectNode()
                    .put("person_id", person.id)
                    .put("network", a.getKey())
                    .put("account_id", a.getValue());
            w.write(n.toString());
            w.write('\n');
          }
        }
      }
    }
    for (int d = 0; d < p.days(); d++) {
      writeDay(out, d);
    }
    Manifest m =
        new Manifest(
            p.persons(),
            p.days(),
            p.start().toString(),
            p.seed(),
            viral,
            quietFrom,
            spam.stream().map(s -> s.id).toList(),
            ring.stream().map(r -> r.id).toList(),
            linesPerDay,
            malformedPerDay,
            redeliveredPerDay);
    Path manifest = out.resolve("_generator/manifest.json");
    Files.createDirectories(manifest.getParent());
    JSON.writerWithDefaultPrettyPrinter().writeValue(manifest.toFile(), m);
    return m;
  }

  private void writeDay(Path out, int d) throws IOException {
    LocalDate date = p.start().plusDays(d);
    Map<String, List<String>> lines = new TreeMap<>();
    for (String n : NETWORKS) {
      lines.put(n, new ArrayList<>());
    }
    Instant dayStart = date.atStartOfDay().toInstant(ZoneOffset.UTC);
    for (Person person : people) {
      person.recent.removeIf(post -> post.day <= d - RECENT_DAYS);
    }
    // Posts.
    for (Person person : people) {
      if (d >= person.quietFromDay) {
        continue;
      }
      int posts = poisson(0.3 * person.activity);
      for (int k = 0; k < posts; k++) {
        post(lines, person, d, at(dayStart));
      }
    }
    // Honest engagement: engagers by activity, authors by popularity.
    long engagements = (long) people.size() * 6;
    for (long e = 0; e < engagements; e++) {
      Person actor = people.get(pick(activityCdf));
      Person author = people.get(pick(popularityCdf));
      if (d >= actor.quietFromDay || actor == author) {
        continue;
      }
      engage(lines, actor, author, at(dayStart), d);
    }
    // One viral post a day from a moderately popular person: a burst from many distinct people.
    Person star = people.get(people.size() / 10 + rnd.nextInt(people.size() / 5));
    if (d < star.quietFromDay) {
      // On twitter, where everyone has an account, so the whole crowd can join in.
      Post v = post(lines, star, d, dayStart.plusSeconds(3600 + rnd.nextInt(3600)), "twitter");
      viral.put(v.id, star.id);
      int burst = Math.max(150, people.size() / 4);
      for (int k = 0; k < burst; k++) {
        Person fan = people.get(rnd.nextInt(people.size()));
        String fanAccount = fan.accounts.get(v.network);
        if (fan == star || fanAccount == null || d >= fan.quietFromDay) {
          continue;
        }
        String type =
            rnd.nextDouble() < 0.5 ? "share" : rnd.nextDouble() < 0.6 ? "like" : "comment";
        emit(
            lines,
            v.network,
            type,
            fanAccount,
            star.accounts.get(v.network),
            v.id,
            dayStart.plusSeconds(7200 + rnd.nextInt(70000)),
            null);
      }
    }
    // Spam accounts like a great many posts of everyone.
    for (Person s : spam) {
      post(lines, s, d, at(dayStart));
      for (int k = 0; k < 300; k++) {
        Person author = people.get(rnd.nextInt(people.size()));
        if (!author.recent.isEmpty() && author.accounts.containsKey("twitter")) {
          Post target = author.recent.get(rnd.nextInt(author.recent.size()));
          if (target.network.equals("twitter")) {
            emit(
                lines,
                "twitter",
                "like",
                s.accounts.get("twitter"),
                author.accounts.get("twitter"),
                target.id,
                at(dayStart),
                null);
          }
        }
      }
    }
    // The ring: each member posts, and every other member likes, shares and comments on it.
    for (Person r : ring) {
      for (int k = 0; k < 5; k++) {
        Post post = post(lines, r, d, at(dayStart));
        for (Person other : ring) {
          if (other != r) {
            for (String type : new String[] {"like", "share", "comment"}) {
              emit(
                  lines,
                  "twitter",
                  type,
                  other.accounts.get("twitter"),
                  r.accounts.get("twitter"),
                  post.id,
                  at(dayStart),
                  null);
            }
          }
        }
      }
    }
    // Redelivery: a few of yesterday's lines arrive again, unchanged, in today's partition.
    for (Map.Entry<String, List<String>> e : lines.entrySet()) {
      List<String> today = new ArrayList<>(e.getValue());
      for (String old : yesterday.getOrDefault(e.getKey(), List.of())) {
        if (rnd.nextDouble() < 0.002) {
          e.getValue().add(old);
          redelivered++;
        }
      }
      yesterday.put(e.getKey(), today);
    }
    writeFiles(out, date, lines);
  }

  private Post post(Map<String, List<String>> lines, Person author, int d, Instant at) {
    List<String> nets = new ArrayList<>(author.accounts.keySet());
    return post(lines, author, d, at, nets.get(rnd.nextInt(nets.size())));
  }

  private Post post(
      Map<String, List<String>> lines, Person author, int d, Instant at, String network) {
    String id = network.substring(0, 2) + "post" + next(network + "/post");
    Post post = new Post(id, network, author, d);
    author.recent.add(post);
    emit(lines, network, "post", author.accounts.get(network), null, id, at, null);
    return post;
  }

  private void engage(
      Map<String, List<String>> lines, Person actor, Person author, Instant at, int d) {
    double u = rnd.nextDouble();
    if (u < 0.05 || author.recent.isEmpty()) {
      // A follow, or a mention when the author has nothing recent to engage with.
      String network = commonNetwork(actor, author);
      if (network != null) {
        emit(
            lines,
            network,
            u < 0.05 ? "follow" : "mention",
            actor.accounts.get(network),
            author.accounts.get(network),
            null,
            at,
            null);
      }
      return;
    }
    Post target = author.recent.get(rnd.nextInt(author.recent.size()));
    String account = actor.accounts.get(target.network);
    if (account == null) {
      return;
    }
    String authorAccount = author.accounts.get(target.network);
    String type =
        u < 0.50
            ? "like"
            : u < 0.65 ? "share" : u < 0.78 ? "comment" : u < 0.86 ? "reply" : "mention";
    String commentId =
        emit(lines, target.network, type, account, authorAccount, target.id, at, null);
    // Authors answer some comments and replies, later the same day when they can.
    if ((type.equals("comment") || type.equals("reply"))
        && d < author.quietFromDay
        && rnd.nextDouble() < 0.3) {
      emit(
          lines,
          target.network,
          "reply",
          authorAccount,
          account,
          target.id,
          at.plusSeconds(60 + rnd.nextInt(3600)),
          commentId);
    }
  }

  private String emit(
      Map<String, List<String>> lines,
      String network,
      String type,
      String actor,
      String target,
      String postId,
      Instant at,
      String replyTo) {
    String eventId = network.substring(0, 2) + "e" + next(network);
    ObjectNode n =
        JSON.createObjectNode()
            .put("event_id", eventId)
            .put("network", network)
            .put("type", type)
            .put("actor_id", actor);
    if (target != null) {
      n.put("target_id", target);
    }
    if (postId != null) {
      n.put("post_id", postId);
    }
    // Late arrivals: a few events of the day before reach this partition.
    Instant when = rnd.nextDouble() < 0.01 ? at.minusSeconds(86400) : at;
    int offsetHours = rnd.nextInt(10) == 0 ? rnd.nextInt(9) - 4 : 0;
    n.put("occurred_at", when.atOffset(ZoneOffset.ofHours(offsetHours)).toString());
    if (type.equals("post") || type.equals("comment") || type.equals("reply")) {
      n.put("text", type + " by " + actor);
    }
    if (replyTo != null) {
      n.put("reply_to_id", replyTo);
    }
    String line = n.toString();
    List<String> out = lines.get(network);
    if (rnd.nextDouble() < p.malformedRate()) {
      String bad = corrupt(n, line);
      malformedToday++;
      if (bad.equals(line)) {
        out.add(line); // an exact repeat of the line
      } else {
        line = bad;
      }
    }
    out.add(line);
    return eventId;
  }

  /** One of the broken shapes that ingest must quarantine; each maps to its own reason code. */
  private String corrupt(ObjectNode n, String line) {
    ObjectNode c = n.deepCopy();
    switch (rnd.nextInt(8)) {
      case 0 -> {
        return line.substring(0, line.length() / 2);
      }
      case 1 -> c.put("event_id", 12345);
      case 2 -> c.remove("actor_id");
      case 3 -> c.put("type", "poke");
      case 4 -> c.put("network", "myspace");
      case 5 -> c.put("occurred_at", "yesterday");
      case 6 -> c.put("occurred_at", "2099-01-01T00:00:00Z");
      default -> {
        return line;
      } // the caller writes it twice
    }
    return c.toString();
  }

  private void writeFiles(Path out, LocalDate date, Map<String, List<String>> lines)
      throws IOException {
    Path dir = out.resolve("engagement/dt=" + date);
    Files.createDirectories(dir);
    long total = 0;
    for (Map.Entry<String, List<String>> e : lines.entrySet()) {
      List<String> ls = e.getValue();
      if (ls.isEmpty()) {
        continue;
      }
      boolean gzip = e.getKey().equals("twitter");
      for (int part = 0; part * LINES_PER_FILE < ls.size(); part++) {
        Path file =
            dir.resolve(
                String.format("part-%s-%05d%s", e.getKey(), part, gzip ? ".jsonl.gz" : ".jsonl"));
        try (OutputStream os = Files.newOutputStream(file);
            OutputStream z = gzip ? new GZIPOutputStream(os, 1 << 16) : os;
            BufferedWriter w =
                new BufferedWriter(new OutputStreamWriter(z, StandardCharsets.UTF_8), 1 << 16)) {
          for (String l :
              ls.subList(part * LINES_PER_FILE, Math.min(ls.size(), (part + 1) * LINES_PER_FILE))) {
            w.write(l);
            w.write('\n');
            total++;
          }
        }
      }
    }
    linesPerDay.put(date.toString(), total);
    malformedPerDay.put(date.toString(), malformedToday);
    malformedToday = 0;
    redeliveredPerDay.put(date.toString(), redelivered);
    redelivered = 0;
  }

  private Instant at(Instant dayStart) {
    return dayStart.plusSeconds(rnd.nextInt(86400));
  }

  private long next(String key) {
    return seq.merge(key, 1L, Long::sum);
  }

  private String commonNetwork(Person a, Person b) {
    for (String n : a.accounts.keySet()) {
      if (b.accounts.containsKey(n)) {
        return n;
      }
    }
    return null;
  }

  private int poisson(double mean) {
    double l = Math.exp(-mean), prod = rnd.nextDouble();
    int k = 0;
    while (prod > l) {
      prod *= rnd.nextDouble();
      k++;
    }
    return k;
  }

  private int pick(double[] cdf) {
    double u = rnd.nextDouble() * cdf[cdf.length - 1];
    int i = Arrays.binarySearch(cdf, u);
    return Math.min(cdf.length - 1, i >= 0 ? i : -i - 1);
  }

  private static double[] cdf(List<Person> people, boolean byPopularity) {
    double[] c = new double[people.size()];
    double sum = 0;
    for (int i = 0; i < c.length; i++) {
      sum += byPopularity ? people.get(i).popularity : people.get(i).activity;
      c[i] = sum;
    }
    return c;
  }
}
