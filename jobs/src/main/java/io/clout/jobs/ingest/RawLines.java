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
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
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
 * an over-long line costs no more memory than {@code ingest.max-line-chars}. Bytes that are not
 * UTF-8 make their line {@link Reason#INVALID_UTF8} rather than being replaced silently, and a
 * byte-order mark at the start of a line is dropped (RFC 8259 lets a reader ignore it).
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
    Row bad = gzip ? checkGzip(fs, path, file) : null;
    if (bad != null) {
      return List.of(bad).iterator();
    }
    InputStream in = open(fs, path, gzip);
    bad = gzip ? null : checkPlain(in, file);
    if (bad != null) {
      in.close();
      return List.of(bad).iterator();
    }
    LineReader lines = new LineReader(in, rules.maxLineChars() + 1);
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
        if (lines.lastBadByte() >= 0) {
          Parsed<Event> notUtf8 =
              Parsed.reject(
                  Reason.INVALID_UTF8,
                  "byte "
                      + lines.lastBadByte()
                      + " of the line is not UTF-8 (U+FFFD in raw_text marks each bad sequence)");
          return eventRow(file, lineNumber, line, length, notUtf8);
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

  /**
   * Reads a gzip file to its end; returns the file row saying what is wrong with it, or null. A
   * zero-byte object (a failed upload, say) is empty rather than a truncated gzip file.
   */
  private static Row checkGzip(FileSystem fs, Path path, String file) {
    byte[] buf = new byte[1 << 16];
    try (InputStream raw = new BufferedInputStream(fs.open(path), 1 << 16)) {
      raw.mark(1);
      if (raw.read() < 0) {
        return fileRow(file, Reason.EMPTY_FILE, "zero bytes");
      }
      raw.reset();
      try (InputStream in = new GZIPInputStream(raw, 1 << 16)) {
        while (in.read(buf) >= 0) {
          // only the decompressor's verdict matters
        }
      }
      return null;
    } catch (EOFException e) {
      return fileRow(file, Reason.UNREADABLE_FILE, "truncated gzip: " + e.getMessage());
    } catch (IOException e) {
      return fileRow(file, Reason.UNREADABLE_FILE, "corrupt gzip: " + e.getMessage());
    }
  }

  /**
   * Looks at the first two bytes of a plain file (the stream is left where it was); returns the
   * file row for gzip data or UTF-16 text, which would otherwise become a run of garbage lines, or
   * null. Neither pair can begin UTF-8 text: 0xFE and 0xFF never occur in it, nor 0x8B after 0x1F.
   */
  private static Row checkPlain(InputStream in, String file) throws IOException {
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    if (b0 == 0x1F && b1 == 0x8B) {
      return fileRow(
          file, Reason.UNREADABLE_FILE, "gzip data in a file whose name does not end in .gz");
    }
    if ((b0 == 0xFF && b1 == 0xFE) || (b0 == 0xFE && b1 == 0xFF)) {
      return fileRow(file, Reason.UNREADABLE_FILE, "UTF-16 text (a UTF-16 byte-order mark)");
    }
    return null;
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
   * characters of each line but counting its full length. Lines are cut on the byte 0x0A, which
   * never occurs inside a multi-byte UTF-8 sequence, and each line is decoded on its own, so a bad
   * byte is charged to the line it is in and decoding starts afresh on the next line.
   */
  static final class LineReader implements Iterator<String> {
    private static final char BOM = '\uFEFF';
    private final InputStream in;
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
    private final CharBuffer chars = CharBuffer.allocate(1 << 14);
    // REPORT rather than the REPLACE of an InputStreamReader, which hides bad bytes as U+FFFD.
    private final CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final int limit;
    private final StringBuilder buf = new StringBuilder();
    private String pending;
    private long pendingLength;
    private long pendingBadByte;
    private long lastLength;
    private long lastBadByte;
    private boolean done;
    // The line being read: its length in chars, bytes consumed, first bad byte (or -1), whether
    // no character has been seen yet, and its last character.
    private long length;
    private long lineBytes;
    private long badByte;
    private boolean atLineStart;
    private char lastChar;

    LineReader(InputStream in, int limit) {
      this.in = in;
      this.limit = limit;
      bytes.flip(); // empty, ready to be read from
    }

    long lastLength() {
      return lastLength;
    }

    /** The offset in its line of the first byte of the last line that is not UTF-8, or -1. */
    long lastBadByte() {
      return lastBadByte;
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
      lastBadByte = pendingBadByte;
      pending = null;
      return line;
    }

    private void advance() {
      buf.setLength(0);
      length = 0;
      lineBytes = 0;
      badByte = -1;
      atLineStart = true;
      lastChar = 0;
      utf8.reset();
      try {
        while (true) {
          int newline = indexOfNewline();
          if (newline >= 0) {
            int end = bytes.limit();
            bytes.limit(newline);
            decode(true);
            bytes.limit(end);
            bytes.position(newline + 1);
            emit();
            return;
          }
          decode(false); // an incomplete sequence at the end waits for the next bytes
          if (!fill()) {
            decode(true); // what is left is a sequence cut short by the end of the file
            done = true;
            if (length > 0) {
              emit();
            }
            return;
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("Cannot read raw file: " + e.getMessage(), e);
      }
    }

    private int indexOfNewline() {
      byte[] a = bytes.array();
      for (int i = bytes.position(); i < bytes.limit(); i++) {
        if (a[i] == '\n') {
          return i;
        }
      }
      return -1;
    }

    /** Decodes the bytes up to the buffer's limit into the line, noting bad sequences. */
    private void decode(boolean endOfLine) {
      while (true) {
        int before = bytes.position();
        CoderResult r = utf8.decode(bytes, chars, endOfLine);
        lineBytes += bytes.position() - before;
        drain();
        if (r.isError()) {
          if (badByte < 0) {
            badByte = lineBytes;
          }
          bytes.position(bytes.position() + r.length());
          lineBytes += r.length();
          chars.put('\uFFFD'); // so raw_text shows where
        } else if (r.isUnderflow()) {
          if (endOfLine) {
            utf8.flush(chars);
            drain();
          }
          return;
        }
      }
    }

    /** Moves the decoded characters into the line. */
    private void drain() {
      chars.flip();
      if (atLineStart && chars.hasRemaining()) {
        atLineStart = false;
        if (chars.get(chars.position()) == BOM) {
          chars.get();
        }
      }
      int n = chars.remaining();
      if (n > 0) {
        length += n;
        lastChar = chars.get(chars.limit() - 1);
        int room = limit - buf.length();
        if (room > 0) {
          buf.append(chars.array(), chars.position(), Math.min(n, room));
        }
      }
      chars.clear();
    }

    private boolean fill() throws IOException {
      bytes.compact();
      int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
      if (n > 0) {
        bytes.position(bytes.position() + n);
      }
      bytes.flip();
      return n > 0;
    }

    private void emit() {
      if (lastChar == '\r') {
        length--;
        if (buf.length() > length) {
          buf.setLength((int) length);
        }
      }
      pending = buf.toString();
      pendingLength = length;
      pendingBadByte = badByte;
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
