package io.clout.jobs.importer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * {@code clout import-temporal}: converts a temporal-network file into the raw event contract, one
 * {@code dt=} partition per UTC day. Two formats:
 *
 * <ul>
 *   <li>{@link Format#SNAP}: {@code src dst unix_ts [kind]} lines (e.g. the Higgs Twitter
 *       activity). RT becomes a share, RE a reply, MT a mention; a line with no kind takes {@code
 *       defaultKind} (a reply, as for direct messages).
 *   <li>{@link Format#KONECT}: {@code %} comment lines, then {@code src dst weight unix_ts} (the
 *       timestamp may have decimals). Every line takes {@code defaultKind}; a line whose weight is
 *       not positive (a negative rating in a signed network) is no engagement and is counted as
 *       skipped.
 * </ul>
 *
 * <p>The data has no posts, so posts are named: the post engaged with is {@code
 * <network>-<dst>-<UTC day>}, one post per author and day. Mentions name no post. Event ids are
 * {@code <network>-<line number>}. Lines with src = dst are written as they are; ingest quarantines
 * them as SELF_ENGAGEMENT, so none is dropped without a trace. Lines that do not parse are counted
 * and reported, not written.
 */
public final class TemporalImporter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TemporalImporter() {}

  /** The line layouts read. */
  public enum Format {
    SNAP,
    KONECT
  }

  /** Lines written per day, lines that did not parse, and lines skipped as no engagement. */
  public record Result(Map<String, Long> linesPerDay, long unparsable, long skipped) {}

  public static Result run(Path in, Path out, String network, String defaultKind)
      throws IOException {
    return run(in, out, network, defaultKind, Format.SNAP);
  }

  public static Result run(Path in, Path out, String network, String defaultKind, Format format)
      throws IOException {
    Map<String, Writer> writers = new TreeMap<>();
    Map<String, Long> perDay = new TreeMap<>();
    long bad = 0;
    long skipped = 0;
    long lineNo = 0;
    try (InputStream raw = Files.newInputStream(in);
        InputStream data = in.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
        BufferedReader r =
            new BufferedReader(new InputStreamReader(data, StandardCharsets.UTF_8), 1 << 16)) {
      String line;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (format == Format.KONECT && line.startsWith("%")) {
          continue;
        }
        String[] f = line.trim().split("\\s+");
        boolean konect = format == Format.KONECT;
        String time = konect ? (f.length >= 4 ? f[3] : "") : (f.length >= 3 ? f[2] : "");
        if (!time.matches("\\d+(\\.\\d*)?")
            || (konect && !f[2].matches("-?\\d+(\\.\\d*)?([eE]-?\\d+)?"))) {
          bad++;
          continue;
        }
        if (konect && !(Double.parseDouble(f[2]) > 0)) {
          skipped++;
          continue;
        }
        Instant at = Instant.ofEpochSecond(Long.parseLong(time.replaceFirst("\\..*", "")));
        String day = LocalDate.ofInstant(at, ZoneOffset.UTC).toString();
        String kind = !konect && f.length > 3 ? f[3] : defaultKind;
        String type =
            switch (kind.toUpperCase(Locale.ROOT)) {
              case "RT", "SHARE" -> "share";
              case "MT", "MENTION" -> "mention";
              case "RE", "REPLY" -> "reply";
              default -> null;
            };
        if (type == null) {
          bad++;
          continue;
        }
        ObjectNode n =
            JSON.createObjectNode()
                .put("event_id", network + "-" + lineNo)
                .put("network", network)
                .put("type", type)
                .put("actor_id", f[0])
                .put("target_id", f[1]);
        if (!type.equals("mention")) {
          n.put("post_id", network + "-" + f[1] + "-" + day);
        }
        n.put("occurred_at", at.toString());
        Writer w = writers.get(day);
        if (w == null) {
          Path dir = Files.createDirectories(out.resolve("engagement/dt=" + day));
          w =
              new OutputStreamWriter(
                  new GZIPOutputStream(
                      Files.newOutputStream(dir.resolve("part-0.jsonl.gz")), 1 << 16),
                  StandardCharsets.UTF_8);
          writers.put(day, w);
        }
        w.write(n.toString());
        w.write('\n');
        perDay.merge(day, 1L, Long::sum);
      }
    } finally {
      for (Writer w : writers.values()) {
        w.close();
      }
    }
    return new Result(perDay, bad, skipped);
  }
}
