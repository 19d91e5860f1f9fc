package io.clout.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path file(String yaml) throws IOException {
    Path f = dir.resolve("env.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void defaultsApplyWithoutAFile() {
    CloutConfig c = ConfigLoader.load(null, Map.of(), Map.of());
    assertThat(c.paths().warehouse()).isEqualTo("./warehouse");
    assertThat(c.ingest().maxAgeDays()).isEqualTo(30);
    assertThat(c.ingest().networks()).contains("twitter", "facebook");
  }

  @Test
  void layersOverrideInOrderFileThenSetThenConf() throws IOException {
    Path f =
        file(
            """
        paths:
          raw: s3a://bucket/raw
        ingest:
          max-age-days: 10
          future-skew-hours: 3
        spark:
          conf:
            spark.sql.shuffle.partitions: 8
        """);
    Map<String, String> sets = new LinkedHashMap<>();
    sets.put("ingest.max-age-days", "5");
    sets.put("ingest.networks", "[twitter, mastodon]");
    CloutConfig c = ConfigLoader.load(f, sets, Map.of("spark.sql.shuffle.partitions", "2"));
    assertThat(c.paths().raw()).isEqualTo("s3a://bucket/raw");
    assertThat(c.paths().warehouse()).isEqualTo("./warehouse");
    assertThat(c.ingest().maxAgeDays()).isEqualTo(5);
    assertThat(c.ingest().futureSkewHours()).isEqualTo(3);
    assertThat(c.ingest().networks()).isEqualTo(List.of("twitter", "mastodon"));
    assertThat(c.spark().conf()).containsEntry("spark.sql.shuffle.partitions", "2");
  }

  @Test
  void unknownKeyInFileIsNamed() throws IOException {
    Path f = file("ingest:\n  max-age-dayz: 3\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Unknown config key 'ingest.max-age-dayz'")
        .hasMessageContaining(f.toString());
  }

  @Test
  void unknownKeyOnCommandLineIsNamed() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("scoring.nope", "1"), Map.of()))
        .hasMessageContaining("Unknown config key 'scoring.nope' in --set");
  }

  @Test
  void badValueNamesTheKey() {
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of("ingest.max-age-days", "many"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.max-age-days");
  }

  @Test
  void invalidRangeIsRejectedWithTheKey() {
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of("ingest.max-rejected-fraction", "1.5"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.max-rejected-fraction must be between 0 and 1");
  }

  @Test
  void sparkSettingsAreFreeFormAndFlattenForReports() throws IOException {
    Path f = file("spark:\n  conf:\n    spark.anything.goes: yes-it-does\n");
    CloutConfig c = ConfigLoader.load(f, Map.of("spark.conf.spark.other", "1"), Map.of());
    assertThat(c.spark().conf())
        .containsEntry("spark.anything.goes", "yes-it-does")
        .containsEntry("spark.other", "1");
    assertThat(ConfigLoader.flatten(c))
        .containsEntry("ingest.max-age-days", "30")
        .containsKey("paths.raw");
  }

  @Test
  void missingFileSaysWhich() {
    Path f = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of(), Map.of()))
        .hasMessageContaining("no file " + f);
  }

  @Test
  void theShippedEnvironmentFilesLoad() {
    for (String env : List.of("local", "s3", "cluster")) {
      Path f = Path.of("..", "conf", env + ".yaml");
      assertThat(ConfigLoader.load(f, Map.of(), Map.of()).paths().warehouse()).as(env).isNotBlank();
    }
  }

  @Test
  void aModelVersionBringsItsProfileBelowTheFileAndSet() throws IOException {
    CloutConfig two = ConfigLoader.load(null, Map.of("scoring.model-version", "clout-2"), Map.of());
    assertThat(two.scoring().propagation()).isEqualTo("two-hop");
    assertThat(two.scoring().halfLifeDays()).isEqualTo(1.0);
    assertThat(two.scoring().outreachWeight()).isZero();
    assertThat(two.scoring().engagedCountsAsActive()).isTrue();
    assertThat(two.scoring().typeWeight("mention")).isEqualTo(1.0);
    assertThat(two.scoring().typeWeight("like")).isEqualTo(0.2);
    assertThat(ConfigLoader.load(null, Map.of(), Map.of()).scoring()).isEqualTo(two.scoring());
    CloutConfig one = ConfigLoader.load(null, Map.of("scoring.model-version", "clout-1"), Map.of());
    assertThat(one.scoring().modelVersion()).isEqualTo("clout-1");
    assertThat(one.scoring().typeWeight("mention")).isEqualTo(0.4);
    assertThat(one.scoring().propagation()).isEqualTo("pagerank");
    assertThat(one.scoring().halfLifeDays()).isEqualTo(30.0);

    Path f = file("scoring:\n  model-version: clout-2\n  half-life-days: 3\n");
    CloutConfig fromFile = ConfigLoader.load(f, Map.of(), Map.of());
    assertThat(fromFile.scoring().propagation()).isEqualTo("two-hop");
    assertThat(fromFile.scoring().halfLifeDays()).isEqualTo(3.0);
    CloutConfig set = ConfigLoader.load(f, Map.of("scoring.half-life-days", "2"), Map.of());
    assertThat(set.scoring().halfLifeDays()).isEqualTo(2.0);
    CloutConfig back = ConfigLoader.load(f, Map.of("scoring.model-version", "clout-1"), Map.of());
    assertThat(back.scoring().propagation()).isEqualTo("pagerank");
    assertThat(back.scoring().halfLifeDays()).isEqualTo(3.0);
  }

  @Test
  void anUnknownModelIsAnErrorNamingTheModels() {
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of("scoring.model-version", "clout-9"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'clout-9' is not a model")
        .hasMessageContaining("clout-1, clout-2");
  }

  @Test
  void reportsShowNoSecretsButKeepTheirKeys() {
    Map<String, String> spark = new LinkedHashMap<>();
    spark.put("spark.hadoop.fs.s3a.access.key", "AKIAFAKEFAKE1234");
    spark.put("spark.hadoop.fs.s3a.secret.key", "fakeSecretDoNotLeak0123456789");
    spark.put("spark.hadoop.fs.s3a.session.token", "fakeToken");
    spark.put("spark.hadoop.fs.s3a.bucket.b.secret.key", "fakeBucketSecret");
    spark.put("spark.ssl.keyPassword", "fakePassword");
    spark.put("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:9000");
    CloutConfig c = ConfigLoader.load(null, Map.of(), spark);
    // The session keeps them: s3a needs them.
    assertThat(c.spark().conf()).containsAllEntriesOf(spark);

    Map<String, String> flat = ConfigLoader.flatten(c);
    assertThat(flat)
        .containsEntry("spark.conf.spark.hadoop.fs.s3a.access.key", ConfigLoader.REDACTED)
        .containsEntry("spark.conf.spark.hadoop.fs.s3a.secret.key", ConfigLoader.REDACTED)
        .containsEntry("spark.conf.spark.hadoop.fs.s3a.session.token", ConfigLoader.REDACTED)
        .containsEntry("spark.conf.spark.hadoop.fs.s3a.bucket.b.secret.key", ConfigLoader.REDACTED)
        .containsEntry("spark.conf.spark.ssl.keyPassword", ConfigLoader.REDACTED)
        .containsEntry("spark.conf.spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:9000")
        .containsEntry("ingest.max-age-days", "30");
    assertThat(flat.toString()).doesNotContain("fake");
  }

  @Test
  void aSecretThatDoesNotParseIsNotRepeatedInTheError() {
    String key = "spark.conf.spark.hadoop.fs.s3a.secret.key";
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of(key, "[fakeSecretDoNotLeak0123456789"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key)
        .hasMessageNotContaining("fakeSecret");
    // Anything else is quoted, since the text is what to fix.
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("ingest.networks", "[a"), Map.of()))
        .hasMessageContaining("ingest.networks=[a");
  }

  @Test
  void pathsThatClimbOutOfTheirRootAreRefusedFromFilesAndSet() throws IOException {
    Path f = file("paths:\n  raw: /data/raw/../../etc\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid configuration: paths.raw: '..' segments are not allowed: /data/raw/../../etc");
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of("paths.warehouse", "s3a://b/%2e%2e/x"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("paths.warehouse: '..' segments are not allowed: s3a://b/%2e%2e/x");
  }

  @Test
  void pathRefusals() {
    for (String ok :
        List.of(
            "/abs/warehouse",
            "rel/warehouse",
            "./warehouse",
            "warehouse/",
            "s3a://bucket/prefix",
            "s3a://bucket",
            "file:///tmp/wh",
            "a..b/c",
            ".../x",
            "a/.hidden/b",
            "with space/%20/50%")) {
      assertThat(CloutConfig.Paths.refusal(ok)).as(ok).isNull();
    }
    for (String climbs :
        List.of(
            "..",
            "../x",
            "a/../b",
            "a/..",
            "s3a://bucket/../other",
            "a\\..\\b",
            "..\\x",
            "a/%2e%2e/b",
            "a/%2E%2e/b",
            "a/.%2e/b",
            "a%2f..%2fb",
            "a%5c..%5cb",
            "a/%252e%252e/b")) {
      assertThat(CloutConfig.Paths.refusal(climbs))
          .as(climbs)
          .isEqualTo("'..' segments are not allowed: " + climbs);
    }
    assertThat(CloutConfig.Paths.refusal("a\0/b"))
        .isEqualTo("control characters are not allowed: a\\u0000/b");
    assertThat(CloutConfig.Paths.refusal("a/%00/b")).startsWith("control characters");
    assertThat(CloutConfig.Paths.refusal("a\nb")).startsWith("control characters");
    String inUri = CloutConfig.Paths.refusal("s3a://AKIAFAKEFAKE1234:fakeSecret@bucket/x");
    assertThat(inUri)
        .startsWith("credentials in a URI are not allowed")
        .endsWith("s3a://***@bucket/x");
  }
}
