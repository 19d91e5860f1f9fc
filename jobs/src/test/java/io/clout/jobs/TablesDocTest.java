package io.clout.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

/**
 * docs/tables.md and the catalog ({@link Tables}) say the same: every table, and each column with
 * its type and comment, in order. Run with {@code -Dclout.docs.update=true} to rewrite the column
 * tables of the doc from the catalog.
 */
class TablesDocTest {
  static final Path DOC = Path.of(System.getProperty("clout.home", ".."), "docs", "tables.md");
  static final Pattern SECTION = Pattern.compile("(?m)^## `(\\w+)`$");
  static final String HEADER = "| column | type | meaning |\n| --- | --- | --- |\n";

  /** The column table of one table, as the doc shows it. */
  static String columnTable(Table table) {
    return columnTable(table.schema());
  }

  /** The column table of one view, as the doc shows it. */
  static String columnTable(View view) {
    return columnTable(view.schema());
  }

  private static String columnTable(org.apache.spark.sql.types.StructType schema) {
    StringBuilder b = new StringBuilder(HEADER);
    for (StructField f : schema.fields()) {
      b.append("| `")
          .append(f.name())
          .append("` | ")
          .append(f.dataType().catalogString())
          .append(" | ")
          .append(f.getComment().isDefined() ? f.getComment().get() : "")
          .append(" |\n");
    }
    return b.toString();
  }

  /** Each `## `name`` section's column table (its first block of table lines), by table name. */
  static Map<String, String> documented(String doc) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = SECTION.matcher(doc);
    List<int[]> starts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    while (m.find()) {
      starts.add(new int[] {m.start(), m.end()});
      names.add(m.group(1));
    }
    for (int i = 0; i < names.size(); i++) {
      int end = i + 1 < starts.size() ? starts.get(i + 1)[0] : doc.length();
      String body = doc.substring(starts.get(i)[1], end);
      int at = body.indexOf(HEADER);
      if (at < 0) {
        out.put(names.get(i), "");
        continue;
      }
      StringBuilder rows = new StringBuilder();
      for (String line : body.substring(at).split("\n", -1)) {
        if (!line.startsWith("|")) {
          break;
        }
        rows.append(line).append('\n');
      }
      out.put(names.get(i), rows.toString());
    }
    return out;
  }

  @Test
  void theDocShowsEveryTableAndColumnOfTheCatalog() throws IOException {
    String doc = Files.readString(DOC);
    if (Boolean.getBoolean("clout.docs.update")) {
      doc = update(doc);
      Files.writeString(DOC, doc);
    }
    Map<String, String> documented = documented(doc);
    List<String> names = new ArrayList<>(Tables.ALL.stream().map(Table::name).toList());
    Tables.VIEWS.forEach(v -> names.add(v.name()));
    assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(names);
    for (Table t : Tables.ALL) {
      assertThat(documented.get(t.name()))
          .as("docs/tables.md, " + t.name())
          .isEqualTo(columnTable(t));
    }
    for (View v : Tables.VIEWS) {
      assertThat(documented.get(v.name()))
          .as("docs/tables.md, view " + v.name())
          .isEqualTo(columnTable(v));
    }
  }

  /** Replaces (or adds, at the end of the section) each section's column table. */
  private static String update(String doc) {
    Map<String, String> wanted = new LinkedHashMap<>();
    Tables.ALL.forEach(t -> wanted.put(t.name(), columnTable(t)));
    Tables.VIEWS.forEach(v -> wanted.put(v.name(), columnTable(v)));
    for (Map.Entry<String, String> t : wanted.entrySet()) {
      Matcher m = Pattern.compile("(?m)^## `" + t.getKey() + "`$").matcher(doc);
      if (!m.find()) {
        continue;
      }
      String old = documented(doc).get(t.getKey());
      int next = doc.indexOf("\n## ", m.end());
      int end = next < 0 ? doc.length() : next;
      String section = doc.substring(m.end(), end);
      String updated =
          old.isEmpty()
              ? section.stripTrailing() + "\n\n" + t.getValue() + (next < 0 ? "" : "\n")
              : section.replace(old, t.getValue());
      doc = doc.substring(0, m.end()) + updated + doc.substring(end);
    }
    return doc;
  }
}
