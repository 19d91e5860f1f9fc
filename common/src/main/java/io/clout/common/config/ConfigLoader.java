package io.clout.common.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Loads {@link CloutConfig} from layers, lowest precedence first: the built-in defaults
 * (clout-defaults.yaml), the environment file ({@code conf/<env>.yaml}), then command-line
 * overrides ({@code --raw}, {@code --warehouse}, {@code --set k=v}), then Spark pass-through
 * settings ({@code --conf k=v}). Every key must exist in the defaults, except below {@code
 * spark.conf}, which is free-form.
 */
public final class ConfigLoader {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final String FREE_FORM = "spark.conf";

  /**
   * Keys whose values are secrets, found as Spark finds them (the default of {@code
   * spark.redaction.regex}): {@code spark.hadoop.fs.s3a.secret.key}, {@code ...access.key}, {@code
   * ...session.token}, any password. Reports and messages show {@link #REDACTED} instead.
   */
  public static final Pattern SECRET_KEYS =
      Pattern.compile("(?i)secret|password|token|access[.]?key");

  /** What a secret's value becomes in a report or message, as in Spark's UI. */
  public static final String REDACTED = "*********(redacted)";

  private ConfigLoader() {}

  /**
   * Merges the layers and binds them.
   *
   * @param envFile the environment file, or null for the defaults alone
   * @param overrides dotted keys to values, as YAML scalars or flow lists ({@code [a, b]})
   * @param sparkConf Spark settings, added to {@code spark.conf}
   */
  public static CloutConfig load(
      Path envFile, Map<String, String> overrides, Map<String, String> sparkConf) {
    ObjectNode tree = defaults();
    JsonNode file = envFile == null ? null : readFile(envFile);
    // The model profile sits between the defaults and the file: its settings are the model's
    // defaults, and the file and --set still override each key.
    String model =
        overrides.containsKey(MODEL_KEY)
            ? overrides.get(MODEL_KEY)
            : file != null && file.at("/scoring/model-version").isTextual()
                ? file.at("/scoring/model-version").asText()
                : tree.at("/scoring/model-version").asText();
    merge(tree, modelProfile(model), "", "models/" + model + ".yaml");
    if (file != null) {
      merge(tree, file, "", envFile.toString());
    }
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      set(tree, e.getKey(), parseScalar(e.getKey(), e.getValue()), "--set");
    }
    ObjectNode conf = (ObjectNode) tree.at("/spark/conf");
    sparkConf.forEach(conf::put);
    try {
      return YAML.treeToValue(tree, CloutConfig.class);
    } catch (JsonProcessingException e) {
      if (e.getCause() instanceof ConfigException ce) {
        throw ce;
      }
      if (e.getCause() instanceof IllegalArgumentException iae) {
        throw new ConfigException(iae.getMessage(), iae);
      }
      String key =
          e instanceof JsonMappingException m
              ? String.join(
                  ".",
                  m.getPath().stream()
                      .map(
                          r ->
                              r.getFieldName() == null
                                  ? "[" + r.getIndex() + "]"
                                  : r.getFieldName())
                      .toList())
              : "?";
      throw new ConfigException(
          "Cannot load configuration: bad value for '" + key + "': " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Returns every setting as dotted key to value, for run reports, with the values of {@link
   * #SECRET_KEYS} redacted.
   */
  public static Map<String, String> flatten(CloutConfig config) {
    Map<String, String> out = new LinkedHashMap<>();
    flatten(YAML.valueToTree(config), "", out);
    out.replaceAll(ConfigLoader::shown);
    return out;
  }

  /** The value of {@code key} as a report or message may show it. */
  private static String shown(String key, String value) {
    return SECRET_KEYS.matcher(key).find() ? REDACTED : value;
  }

  private static void flatten(JsonNode node, String prefix, Map<String, String> out) {
    if (node.isObject()) {
      node.fields().forEachRemaining(f -> flatten(f.getValue(), prefix + f.getKey() + ".", out));
    } else {
      out.put(
          prefix.substring(0, prefix.length() - 1),
          node.isTextual() ? node.asText() : node.toString());
    }
  }

  static final String MODEL_KEY = "scoring.model-version";

  /** The models Clout has, each a profile of scoring settings in the jar. */
  public static final java.util.List<String> MODELS = java.util.List.of("clout-1", "clout-2");

  private static JsonNode modelProfile(String model) {
    if (!MODELS.contains(model)) {
      throw new ConfigException(
          "Cannot load configuration: scoring.model-version '"
              + model
              + "' is not a model; use one of "
              + MODELS);
    }
    try (InputStream in = ConfigLoader.class.getResourceAsStream("/models/" + model + ".yaml")) {
      return YAML.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("models/" + model + ".yaml is missing from the jar", e);
    }
  }

  private static ObjectNode defaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream("/clout-defaults.yaml")) {
      return (ObjectNode) YAML.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("clout-defaults.yaml is missing from the jar", e);
    }
  }

  private static JsonNode readFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(
          "Cannot read configuration: no file " + file + " (see --env, --config)");
    }
    try {
      JsonNode node = YAML.readTree(file.toFile());
      return node == null || node.isMissingNode() ? YAML.createObjectNode() : node;
    } catch (IOException e) {
      throw new ConfigException("Cannot read configuration " + file + ": " + e.getMessage(), e);
    }
  }

  private static void merge(ObjectNode into, JsonNode from, String prefix, String source) {
    if (!from.isObject()) {
      throw new ConfigException(
          "Cannot read configuration " + source + ": expected a mapping at '" + prefix + "'");
    }
    Iterator<Map.Entry<String, JsonNode>> it = from.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> f = it.next();
      String key = prefix + f.getKey();
      JsonNode existing = into.get(f.getKey());
      if (existing != null
          && existing.isObject()
          && f.getValue().isObject()
          && !key.equals(FREE_FORM)) {
        merge((ObjectNode) existing, f.getValue(), key + ".", source);
      } else {
        set(into, f.getKey(), f.getValue(), prefix, source);
      }
    }
  }

  private static void set(ObjectNode root, String dotted, JsonNode value, String source) {
    int dot = dotted.lastIndexOf('.');
    String parentPath = dot < 0 ? "" : dotted.substring(0, dot);
    JsonNode parent = parentPath.isEmpty() ? root : root.at("/" + parentPath.replace('.', '/'));
    if (parentPath.startsWith(FREE_FORM + ".") || parentPath.equals(FREE_FORM)) {
      // spark.conf.<spark key> keeps the dots of the Spark key itself.
      ((ObjectNode) root.at("/spark/conf")).set(dotted.substring(FREE_FORM.length() + 1), value);
      return;
    }
    if (!parent.isObject()) {
      throw unknown(dotted, source);
    }
    set(
        (ObjectNode) parent,
        dotted.substring(dot + 1),
        value,
        parentPath.isEmpty() ? "" : parentPath + ".",
        source);
  }

  private static void set(
      ObjectNode parent, String name, JsonNode value, String prefix, String source) {
    JsonNode existing = parent.get(name);
    if (existing == null) {
      throw unknown(prefix + name, source);
    }
    if (existing.isObject() && !(prefix + name).equals(FREE_FORM)) {
      throw new ConfigException(
          "Cannot set '"
              + prefix
              + name
              + "' from "
              + source
              + ": it is a section, set one of its keys");
    }
    parent.set(name, value);
  }

  private static ConfigException unknown(String key, String source) {
    return new ConfigException(
        "Unknown config key '"
            + key
            + "' in "
            + source
            + " (docs/configuration.md lists the keys)");
  }

  private static JsonNode parseScalar(String key, String text) {
    try {
      JsonNode node = YAML.readTree(text);
      return node == null || node.isMissingNode() ? YAML.getNodeFactory().textNode(text) : node;
    } catch (JsonProcessingException e) {
      // The parser's message quotes the text, which may be a secret.
      boolean secret = SECRET_KEYS.matcher(key).find();
      throw new ConfigException(
          "Cannot parse --set "
              + key
              + "="
              + shown(key, text)
              + ": "
              + (secret ? "not a YAML value" : e.getOriginalMessage()));
    }
  }
}
