package io.clout.jobs;

import io.clout.common.config.CloutConfig;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * One writing run at a time per warehouse: {@code <warehouse>/_locks/run.lock}, created when a run
 * starts and deleted when it ends. A second run finds the file and stops before it changes
 * anything, naming the run that holds it.
 *
 * <p>The file is created exclusively: on a local disk with {@code O_EXCL}, elsewhere with {@code
 * create(path, overwrite=false)}, which is atomic on HDFS but on s3a only a check before the write
 * (docs/reliability.md). A run killed outright leaves its lock behind; a later run on the same host
 * sees that the process that wrote it is gone and takes the lock over.
 */
public final class RunLock implements AutoCloseable {
  /** The locks this process holds now, by path: a lock file of this process not listed is stale. */
  private static final Set<String> HELD = ConcurrentHashMap.newKeySet();

  private final FileSystem fs;
  private final Path path;

  private RunLock(FileSystem fs, Path path) {
    this.fs = fs;
    this.path = path;
    HELD.add(path.toString());
  }

  public static Path path(CloutConfig config) {
    return new Path(Tables.stripSlash(config.paths().warehouse()) + "/_locks/run.lock");
  }

  /** Takes the warehouse's lock for {@code what} (such as "daily 2026-01-07"), or fails. */
  public static RunLock acquire(SparkSession spark, CloutConfig config, String what) {
    Path path = path(config);
    String owner =
        "pid="
            + ProcessHandle.current().pid()
            + "\nhost="
            + host()
            + "\nstarted="
            + Instant.now()
            + "\nrun="
            + what
            + "\n";
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.mkdirs(path.getParent());
      if (create(fs, path, owner)) {
        return new RunLock(fs, path);
      }
      String holder = read(fs, path);
      if (holder != null && isStale(holder, path)) {
        fs.delete(path, false);
        if (create(fs, path, owner)) {
          System.err.println(
              "clout: took over the lock of a run that ended without releasing it ("
                  + holder.replace('\n', ' ').trim()
                  + ")");
          return new RunLock(fs, path);
        }
        holder = read(fs, path);
      }
      throw new CloutException(
          "Cannot start "
              + what
              + ": another Clout run is writing this warehouse ("
              + (holder == null ? "it just ended" : holder.replace('\n', ' ').trim())
              + "). Nothing was changed. Wait for it to finish and run again; if that run is"
              + " dead, delete "
              + path);
    } catch (IOException e) {
      throw new CloutException("Cannot take the run lock " + path + ": " + e.getMessage(), e);
    }
  }

  private static boolean create(FileSystem fs, Path path, String owner) throws IOException {
    byte[] bytes = owner.getBytes(StandardCharsets.UTF_8);
    if (fs instanceof LocalFileSystem local) {
      try {
        Files.write(
            local.pathToFile(path).toPath(), bytes, java.nio.file.StandardOpenOption.CREATE_NEW);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (OutputStream out = fs.create(path, false)) {
      out.write(bytes);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  private static String read(FileSystem fs, Path path) throws IOException {
    try (FSDataInputStream in = fs.open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  /**
   * Whether the holder ran on this host and is over: its process is gone, or it is this process and
   * no run here holds the lock (an earlier run could not delete it, storage being down).
   */
  static boolean isStale(String holder, Path path) {
    String pid = field(holder, "pid");
    if (!host().equals(field(holder, "host")) || pid == null) {
      return false;
    }
    try {
      long p = Long.parseLong(pid);
      return p == ProcessHandle.current().pid()
          ? !HELD.contains(path.toString())
          : ProcessHandle.of(p).isEmpty();
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String field(String holder, String key) {
    for (String line : holder.split("\n")) {
      if (line.startsWith(key + "=")) {
        return line.substring(key.length() + 1);
      }
    }
    return null;
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }

  @Override
  public void close() {
    HELD.remove(path.toString());
    try {
      fs.delete(path, false);
    } catch (IOException e) {
      System.err.println("clout: could not release the run lock " + path + ": " + e.getMessage());
    }
  }
}
