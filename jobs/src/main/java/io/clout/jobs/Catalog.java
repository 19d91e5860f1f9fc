package io.clout.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clout.common.config.CloutConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The warehouse's persistent catalog of names: {@code <warehouse>/_catalog/catalog.json} lists
 * every Delta table under the warehouse (name and folder) and the curated views ({@link
 * Tables#VIEWS}) with their SQL. Every process that asks for tables by name reads it: {@code
 * ./clout sql}, {@code ./clout serve} (the JDBC gateway, a Spark 3.5 JVM that shares no code with
 * the jobs, and Spark Connect), and the notebooks' {@code clout_nb}. A file rather than a Hive
 * metastore because embedded Derby locks to one JVM and a metastore service would be one more
 * server to run; docs/bi.md says more.
 *
 * <p>Jobs keep it current: every table write adds its table when it is missing ({@link #ensure}).
 * Locations are folder names relative to the warehouse, so a copied or moved warehouse keeps
 * working.
 */
public final class Catalog {
  /** The format of catalog.json; readers refuse a newer one. */
  public static final int FORMAT = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One table: its name and its folder under the warehouse. */
  public record TableEntry(String name, String location, String description) {}

  /** The tables and the views whose sources all exist. */
  public record Entries(List<TableEntry> tables, List<View> views) {
    public List<String> names() {
      List<String> names = new ArrayList<>();
      tables.forEach(t -> names.add(t.name()));
      views.forEach(v -> names.add(v.name()));
      return names;
    }
  }

  private Catalog() {}

  /** {@code <warehouse>/_catalog/catalog.json}. */
  public static String file(CloutConfig config) {
    return Tables.stripSlash(config.paths().warehouse()) + "/_catalog/catalog.json";
  }

  /** The Delta tables under the warehouse now, and the views they can serve. */
  public static Entries scan(SparkSession spark, CloutConfig config) {
    Path root = new Path(config.paths().warehouse());
    Map<String, String> described = new HashMap<>();
    Tables.ALL.forEach(t -> described.put(t.name(), t.description()));
    Set<String> names = new TreeSet<>();
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(root)) {
        for (FileStatus s : fs.listStatus(root)) {
          if (s.isDirectory()
              && fs.exists(new Path(s.getPath(), "_delta_log"))
              && committed(spark, s.getPath())) {
            names.add(s.getPath().getName());
          }
        }
      }
    } catch (IOException e) {
      throw new CloutException("Cannot list tables under " + root + ": " + e.getMessage(), e);
    }
    List<TableEntry> tables = new ArrayList<>();
    for (String name : names) {
      tables.add(new TableEntry(name, name, described.getOrDefault(name, "")));
    }
    List<View> views = Tables.VIEWS.stream().filter(v -> names.containsAll(v.sources())).toList();
    return new Entries(tables, views);
  }

  /**
   * Whether a folder with a Delta log holds a table: a first write that never committed (its
   * process killed) leaves a log folder too. A log Delta cannot read fails here, naming the folder.
   */
  private static boolean committed(SparkSession spark, Path folder) {
    try {
      return Delta.exists(spark, folder.toString());
    } catch (RuntimeException e) {
      throw new CloutException("Cannot read the Delta log of " + folder + ": " + e.getMessage(), e);
    }
  }

  /** The catalog file's text for {@code entries}. */
  static String render(Entries entries) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put(
        "about",
        "Clout's catalog of names: tables (folders under this warehouse) and curated views."
            + " Written by the jobs; see docs/bi.md.");
    ArrayNode tables = root.putArray("tables");
    for (TableEntry t : entries.tables()) {
      tables
          .addObject()
          .put("name", t.name())
          .put("location", t.location())
          .put("description", t.description());
    }
    ArrayNode views = root.putArray("views");
    for (View v : entries.views()) {
      ObjectNode o = views.addObject().put("name", v.name()).put("description", v.description());
      v.sources().forEach(o.putArray("sources")::add);
      ArrayNode columns = o.putArray("columns");
      for (var f : v.schema().fields()) {
        columns
            .addObject()
            .put("name", f.name())
            .put("type", f.dataType().catalogString())
            .put("comment", v.comment(f.name()));
      }
      o.put("column_list", v.columnList());
      o.put("sql", v.sql().strip());
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The names catalog.json lists now, if there is one. */
  public static Optional<List<String>> read(SparkSession spark, CloutConfig config) {
    return readText(spark, file(config))
        .map(
            text -> {
              try {
                JsonNode root = JSON.readTree(text);
                if (root.path("format").asInt(0) > FORMAT) {
                  throw new CloutException(
                      "Cannot read "
                          + file(config)
                          + ": catalog format "
                          + root.path("format").asInt()
                          + " is newer than this build reads ("
                          + FORMAT
                          + ")");
                }
                List<String> names = new ArrayList<>();
                root.path("tables").forEach(t -> names.add(t.path("name").asText()));
                root.path("views").forEach(v -> names.add(v.path("name").asText()));
                return names;
              } catch (IOException e) {
                throw new CloutException("Cannot read " + file(config) + ": " + e.getMessage(), e);
              }
            });
  }

  /**
   * Scans the warehouse and writes catalog.json when what it lists changed (and not at all for a
   * warehouse with no tables yet); returns the scan.
   */
  public static Entries publish(SparkSession spark, CloutConfig config) {
    Entries entries = scan(spark, config);
    String text = render(entries);
    Optional<String> existing = readText(spark, file(config));
    // No tables and no catalog yet: nothing to name, and no warehouse folder to create.
    boolean nothing = entries.tables().isEmpty() && existing.isEmpty();
    if (!nothing && !existing.map(text::equals).orElse(false)) {
      writeText(spark, file(config), text);
    }
    return entries;
  }

  /** After a write of {@code table}: publishes the catalog unless it already lists the table. */
  public static void ensure(SparkSession spark, CloutConfig config, Table table) {
    boolean listed = read(spark, config).map(n -> n.contains(table.name())).orElse(false);
    if (!listed) {
      publish(spark, config);
    }
  }

  /**
   * Registers every table and view of the catalog in {@code spark} as session views of their names
   * (what {@code ./clout sql} and the notebooks use); publishes the catalog first so it matches the
   * warehouse. Returns the names.
   */
  public static List<String> registerTempViews(SparkSession spark, CloutConfig config) {
    Entries entries = publish(spark, config);
    String root = Tables.stripSlash(config.paths().warehouse());
    for (TableEntry t : entries.tables()) {
      spark
          .read()
          .format("delta")
          .load(root + "/" + t.location())
          .createOrReplaceTempView(t.name());
    }
    for (View v : entries.views()) {
      spark.sql(
          "CREATE OR REPLACE TEMPORARY VIEW " + v.name() + " " + v.columnList() + " AS " + v.sql());
    }
    return entries.names();
  }

  /**
   * Registers every table and view of the catalog in the session catalog shared by all sessions of
   * {@code spark}'s application (tables as external Delta tables by location, views as permanent
   * views): what Spark Connect clients, each in a session of their own, see.
   */
  public static List<String> registerShared(SparkSession spark, CloutConfig config) {
    Entries entries = publish(spark, config);
    String root = Tables.stripSlash(config.paths().warehouse());
    for (TableEntry t : entries.tables()) {
      String location = new Path(root + "/" + t.location()).toString().replace("'", "\\'");
      spark.sql(
          "CREATE TABLE IF NOT EXISTS default."
              + t.name()
              + " USING delta LOCATION '"
              + location
              + "'");
    }
    for (View v : entries.views()) {
      spark.sql(
          "CREATE OR REPLACE VIEW default." + v.name() + " " + v.columnList() + " AS " + v.sql());
    }
    return entries.names();
  }

  private static Optional<String> readText(SparkSession spark, String file) {
    Path path = new Path(file);
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(path)) {
        return Optional.empty();
      }
      try (InputStream in = fs.open(path)) {
        return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new CloutException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the file whole: to a temporary file beside it, then renamed over it on a file system
   * (readers never see half a catalog); an object store's PUT is atomic already.
   */
  private static void writeText(SparkSession spark, String file, String text) {
    Path path = new Path(file);
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if ("file".equals(fs.getUri().getScheme())) {
        java.nio.file.Path target = java.nio.file.Path.of(fs.makeQualified(path).toUri().getPath());
        java.nio.file.Files.createDirectories(target.getParent());
        java.nio.file.Path temp =
            target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid());
        java.nio.file.Files.writeString(temp, text);
        java.nio.file.Files.move(
            temp,
            target,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return;
      }
      try (OutputStream out = fs.create(path, true)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new CloutException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
