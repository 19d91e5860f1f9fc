package io.clout.common.perks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.clout.common.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads and validates the perks catalog: a YAML file with a {@code perks} list (docs/perks.md).
 * Every problem is a {@link ConfigException} that names the file, the perk and the field.
 */
public final class PerkCatalog {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
  private static final Set<String> FIELDS =
      Set.of(
          "id",
          "partner",
          "description",
          "min-score",
          "networks",
          "valid-from",
          "valid-to",
          "quantity");

  private PerkCatalog() {}

  /**
   * The perks of a catalog, in file order.
   *
   * @param source the file's name, for messages
   * @param networks the accepted networks ({@code ingest.networks}); a perk may name only these
   */
  public static List<Perk> read(InputStream in, String source, List<String> networks) {
    JsonNode root;
    try {
      root = YAML.readTree(in);
    } catch (IOException e) {
      throw new ConfigException("Cannot read perks catalog " + source + ": " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return List.of();
    }
    JsonNode list = root.get("perks");
    if (!root.isObject() || root.size() != 1 || list == null || !list.isArray()) {
      throw new ConfigException(
          "Cannot read perks catalog " + source + ": expected one key, perks, holding a list");
    }
    List<Perk> perks = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      Perk p =
          perk(list.get(i), new Where(source, i + 1, list.get(i).path("id").asText("")), networks);
      if (!ids.add(p.id())) {
        throw new Where(source, i + 1, p.id()).fail("id", "is used by an earlier perk");
      }
      perks.add(p);
    }
    return List.copyOf(perks);
  }

  private static Perk perk(JsonNode node, Where where, List<String> accepted) {
    if (!node.isObject()) {
      throw where.fail(null, "is not a mapping of fields");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw where.fail(f, "is not a perk field; use " + new TreeSet<>(FIELDS));
      }
    }
    String id = text(node, "id", where);
    if (!ID.matcher(id).matches()) {
      throw where.fail("id", "must be lower case letters, digits and dashes (at most 64)");
    }
    String partner = text(node, "partner", where);
    String description = text(node, "description", where);
    JsonNode min = node.get("min-score");
    if (min == null || !min.isNumber()) {
      throw where.fail("min-score", "must be a number from 1 to 100");
    }
    if (min.asDouble() < 1 || min.asDouble() > 100) {
      throw where.fail("min-score", "must be from 1 to 100, not " + min.asText());
    }
    List<String> networks = new ArrayList<>();
    JsonNode ns = node.get("networks");
    if (ns != null && !ns.isNull()) {
      if (!ns.isArray()) {
        throw where.fail("networks", "must be a list of networks");
      }
      for (JsonNode n : ns) {
        if (!accepted.contains(n.asText())) {
          throw where.fail(
              "networks", "'" + n.asText() + "' is not an accepted network " + accepted);
        }
        networks.add(n.asText());
      }
    }
    LocalDate from = date(node, "valid-from", where);
    if (from == null) {
      throw where.fail("valid-from", "is required (YYYY-MM-DD)");
    }
    LocalDate to = date(node, "valid-to", where);
    if (to != null && to.isBefore(from)) {
      throw where.fail("valid-to", to + " is before valid-from " + from);
    }
    Integer quantity = null;
    JsonNode q = node.get("quantity");
    if (q != null && !q.isNull()) {
      if (!q.canConvertToInt() || !q.isIntegralNumber() || q.asInt() < 1) {
        throw where.fail("quantity", "must be a whole number of at least 1, not " + q.asText());
      }
      quantity = q.asInt();
    }
    return new Perk(id, partner, description, min.asDouble(), networks, from, to, quantity);
  }

  private static String text(JsonNode node, String field, Where where) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw where.fail(field, "is required (text)");
    }
    return v.asText().strip();
  }

  private static LocalDate date(JsonNode node, String field, Where where) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    try {
      return LocalDate.parse(v.asText());
    } catch (DateTimeParseException e) {
      throw where.fail(field, "must be a date YYYY-MM-DD, not '" + v.asText() + "'");
    }
  }

  /** Which perk a message is about: its position in the list, and its id when it has one. */
  private record Where(String source, int position, String id) {
    ConfigException fail(String field, String problem) {
      String perk = id.isBlank() ? "perk #" + position : "perk '" + id + "' (#" + position + ")";
      return new ConfigException(
          "Invalid perks catalog "
              + source
              + ": "
              + perk
              + (field == null ? "" : ", field " + field)
              + ": "
              + problem);
    }
  }
}
