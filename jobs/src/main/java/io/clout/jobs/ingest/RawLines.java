package io.clout.jobs.ingest;

import io.clout.common.events.Event;
import io.clout.common.events.Identity;
import io.clout.common.events.Parsed;
import io.clout.common.events.Reason;
import io.clout.common.events.RecordParser;
import io.clout.common.events.ValidationRules;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads raw files on the executors and parses each line: one output row per line, or one row for a
 * whole file that is empty or cannot be read to its end. Lines are read with a bounded buffer, so
 * an over-long line costs no more memory than {@code ingest.max-line-chars}.
 *
 * <p>Spark's own text source is not used: with {@code ignoreCorruptFiles} it keeps the lines of a
 * truncated gzip file read before the damage and drops the rest without a trace, and without it the
 * whole job fails. Here a gzip file is first checked to its end, and a damaged one becomes a single
 * {@link Reason#UNREADABLE_FILE} row.
 */
public final class RawLines implements FlatMapFunction<String, Row> {
  public static final String KIND_EVENT = "event";
  public static final String KIND_IDENTITY = "identity";
  public static final String KIND_FILE = "file";

  /** The parsed-line schema: the reject columns, then the event and identity fields. */
  public static final StructType SCHEMA =
      new StructType()
          .add("record_kind", DataTypes.StringType, false)
          .add("source_file", DataTypes.StringType, false)
          .add("line_number", DataTypes.LongType, true)
          .add("raw_text", DataTypes.StringType, true)
          .add("raw_length", DataTypes.LongType, true)
          .add("reason", DataTypes.StringType, true)
          .add("detail", DataTypes.StringType, true)
          .add("network", DataTypes.StringType, true)
          .add("event_id", DataTypes.StringType, true)
          .add("type", DataTypes.StringType, true)
          .add("actor_id", DataTypes.StringType, true)
          .add("target_id", DataTypes.StringType, true)
          .add("post_id", DataTypes.StringType, true)
          .add("occurred_at", DataTypes.TimestampType, true)
          .add("text", DataTypes.StringType, true)
          .add("reply_to_id", DataTypes.StringType, true)
          .add("person_id", DataTypes.StringType, true)
          .add("account_id", DataTypes.StringType, true);

  private final String kind;
  private final ValidationRules rules;
  private final LocalDate partitionDate;
  private final int rawTextCap;
  private final Map<String, String> hadoopConf;

  /**
   * @param hadoopConf the driver's Hadoop settings (s3a endpoint, credentials provider), since a
   *     Hadoop {@link Configuration} is not serializable
   */
  public RawLines(
      String kind,
      ValidationRules rules,
      LocalDate partitionDate,
      int rawTextCap,
      Map<String, String> hadoopConf) {
    this.kind = kind;
    this.rules = rules;
    this.partitionDate = partitionDate;
    this.rawTextCap = rawTextCap;
    this.hadoopConf = hadoopConf;
  }

  @Override
  public Iterator<Row> call(String file) throws IOException {
    Configuration conf = new Configuration(false);
    hadoopConf.forEach(conf::set);
    Path path = new Path(file);
    FileSystem fs = path.getFileSystem(conf);
    boolean gzip = file.endsWith(".gz");
    if (gzip) {
      String damage = checkGzip(fs, path);
      if (damage != null) {
        return List.of(fileRow(file, Reason.UNREADABLE_FILE, damage)).iterator();
      }
    }
    LineReader lines = new LineReader(open(fs, path, gzip), rules.maxLineChars() + 1);
    if (!lines.hasNext()) {
      lines.close();
      return List.of(fileRow(file, Reason.EMPTY_FILE, "no lines")).iterator();
    }
    RecordParser parser = new RecordParser(rules, partitionDate);
    return new Iterator<>() {
      long lineNumber = 0;

      @Override
      public boolean hasNext() {
        boolean more = lines.hasNext();
        if (!more) {
          lines.close();
        }
        return more;
      }

      @Override
      public Row next() {
        String line = lines.next();
        long length = lines.lastLength();
        lineNumber++;
        if (length > rules.maxLineChars()) {
          Parsed<Event> tooLong =
              Parsed.reject(
                  Reason.LINE_TOO_LONG,
                  length + " chars > ingest.max-line-chars " + rules.maxLineChars());
          return eventRow(file, lineNumber, line, length, tooLong);
        }
        return kind.equals(KIND_IDENTITY)
            ? identityRow(file, lineNumber, line, length, parser.parseIdentity(line))
            : eventRow(file, lineNumber, line, length, parser.parseEvent(line));
      }
    };
  }

  private static InputStream open(FileSystem fs, Path path, boolean gzip) throws IOException {
    InputStream in = new BufferedInputStream(fs.open(path), 1 << 16);
    return gzip ? new GZIPInputStream(in, 1 << 16) : in;
  }

  /** Reads a gzip file to its end; returns what is wrong with it, or null. */
  private static String checkGzip(FileSystem fs, Path path) {
    byte[] buf = new byte[1 << 16];
    try (InputStream in = open(fs, path, true)) {
      while (in.read(buf) >= 0) {
        // only the decompressor's verdict matters
      }
      return null;
    } catch (EOFException e) {
      return "truncated gzip: " + e.getMessage();
    } catch (IOException e) {
      return "corrupt gzip: " + e.getMessage();
    }
  }

  private Row eventRow(String file, long n, String line, long length, Parsed<Event> p) {
    Event e = p.value();
    return row(
        kind,
        file,
        n,
        cap(line),
        length,
        p.isOk() ? null : p.reason().name(),
        p.detail(),
        e == null ? null : e.network(),
        e == null ? null : e.eventId(),
        e == null ? null : e.type().wire(),
        e == null ? null : e.actorId(),
        e == null ? null : e.targetId(),
        e == null ? null : e.postId(),
        e == null ? null : Timestamp.from(e.occurredAt()),
        e == null ? null : e.text(),
        e == null ? null : e.replyToId(),
        null,
        null);
  }

  private Row identityRow(String file, long n, String line, long length, Parsed<Identity> p) {
    Identity i = p.value();
    return row(
        kind,
        file,
        n,
        cap(line),
        length,
        p.isOk() ? null : p.reason().name(),
        p.detail(),
        i == null ? null : i.network(),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        i == null ? null : i.personId(),
        i == null ? null : i.accountId());
  }

  private static Row fileRow(String file, Reason reason, String detail) {
    Object[] v = new Object[SCHEMA.size()];
    v[0] = KIND_FILE;
    v[1] = file;
    v[5] = reason.name();
    v[6] = detail;
    return row(v);
  }

  private static Row row(Object... values) {
    return new GenericRowWithSchema(values, SCHEMA);
  }

  private String cap(String line) {
    return line.length() <= rawTextCap ? line : line.substring(0, rawTextCap);
  }

  /**
   * Splits a stream into lines on \n (dropping a \r before it), keeping at most {@code limit}
   * characters of each line but counting its full length.
   */
  static final class LineReader implements Iterator<String> {
    private final Reader in;
    private final char[] chunk = new char[1 << 14];
    private int chunkPos;
    private int chunkLen;
    private final int limit;
    private final StringBuilder buf = new StringBuilder();
    private String pending;
    private long pendingLength;
    private long lastLength;
    private boolean done;

    LineReader(InputStream in, int limit) {
      this.in = new InputStreamReader(in, StandardCharsets.UTF_8);
      this.limit = limit;
    }

    long lastLength() {
      return lastLength;
    }

    @Override
    public boolean hasNext() {
      if (pending == null && !done) {
        advance();
      }
      return pending != null;
    }

    @Override
    public String next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      String line = pending;
      lastLength = pendingLength;
      pending = null;
      return line;
    }

    private void advance() {
      buf.setLength(0);
      long length = 0;
      try {
        while (fill()) {
          while (chunkPos < chunkLen) {
            char c = chunk[chunkPos++];
            if (c == '\n') {
              emit(length);
              return;
            }
            length++;
            if (buf.length() < limit) {
              buf.append(c);
            }
          }
        }
        done = true;
        if (length > 0) {
          emit(length);
        }
      } catch (IOException e) {
        throw new IllegalStateException("Cannot read raw file: " + e.getMessage(), e);
      }
    }

    private boolean fill() throws IOException {
      if (chunkPos < chunkLen) {
        return true;
      }
      chunkLen = in.read(chunk);
      chunkPos = 0;
      return chunkLen > 0;
    }

    private void emit(long length) {
      if (buf.length() > 0 && buf.charAt(buf.length() - 1) == '\r') {
        buf.setLength(buf.length() - 1);
        length--;
      }
      pending = buf.toString();
      pendingLength = length;
    }

    void close() {
      try {
        in.close();
      } catch (IOException e) {
        // reading is over; nothing to recover
      }
    }
  }
}
