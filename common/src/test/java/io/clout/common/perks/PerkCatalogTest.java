package io.clout.common.perks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clout.common.config.ConfigException;
import io.clout.common.config.ConfigLoader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PerkCatalogTest {
  static final List<String> NETWORKS = List.of("twitter", "instagram");

  static List<Perk> read(String yaml) {
    return PerkCatalog.read(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "perks.yaml", NETWORKS);
  }

  static final String GOOD =
      """
      perks:
        - id: print
          partner: Inkwell
          description: 20% off
          min-score: 40
          valid-from: 2026-01-01
        - id: car
          partner: Velo
          description: a weekend
          min-score: 70.5
          networks: [instagram]
          valid-from: 2026-02-01
          valid-to: 2026-02-28
          quantity: 3
      """;

  @Test
  void readsEveryFieldInFileOrder() {
    List<Perk> perks = read(GOOD);
    assertThat(perks)
        .containsExactly(
            new Perk(
                "print",
                "Inkwell",
                "20% off",
                40,
                List.of(),
                LocalDate.parse("2026-01-01"),
                null,
                null),
            new Perk(
                "car",
                "Velo",
                "a weekend",
                70.5,
                List.of("instagram"),
                LocalDate.parse("2026-02-01"),
                LocalDate.parse("2026-02-28"),
                3));
    Perk car = perks.get(1);
    assertThat(car.offeredOn(LocalDate.parse("2026-01-31"))).isFalse();
    assertThat(car.offeredOn(LocalDate.parse("2026-02-01"))).isTrue();
    assertThat(car.offeredOn(LocalDate.parse("2026-02-28"))).isTrue();
    assertThat(car.offeredOn(LocalDate.parse("2026-03-01"))).isFalse();
    assertThat(perks.get(0).offeredOn(LocalDate.parse("2099-01-01"))).isTrue();
  }

  @Test
  void anEmptyFileOffersNothing() {
    assertThat(read("")).isEmpty();
    assertThat(read("perks: []")).isEmpty();
  }

  /** Each broken field: the message names the file, the perk and the field. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "min-score: 70.5|min-score: 101|perk 'car' (#2), field min-score: must be from 1 to 100, not 101",
        "min-score: 70.5|min-score: lots|perk 'car' (#2), field min-score: must be a number",
        "quantity: 3|colour: red|perk 'car' (#2), field colour: is not a perk field",
        "partner: Velo|partner: ''|perk 'car' (#2), field partner: is required",
        "networks: [instagram]|networks: [myspace]|field networks: 'myspace' is not an accepted network",
        "valid-to: 2026-02-28|valid-to: 2026-01-15|field valid-to: 2026-01-15 is before valid-from 2026-02-01",
        "valid-from: 2026-02-01|valid-from: 1st of May|field valid-from: must be a date YYYY-MM-DD",
        "quantity: 3|quantity: 0|perk 'car' (#2), field quantity: must be a whole number of at least 1",
        "quantity: 3|quantity: 2.5|field quantity: must be a whole number of at least 1, not 2.5",
        "id: car|id: print|perk 'print' (#2), field id: is used by an earlier perk",
        "id: car|id: Big Car|field id: must be lower case letters, digits and dashes",
        "id: car|name: car|perk #2, field name: is not a perk field",
      })
  void aBrokenFieldIsNamedWithItsPerk(String field, String broken, String message) {
    String input = GOOD.replace(field + "\n", broken + "\n");
    assertThat(input).isNotEqualTo(GOOD);
    assertThatThrownBy(() -> read(input))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Invalid perks catalog perks.yaml: ")
        .hasMessageContaining(message);
  }

  @Test
  void aFileThatIsNotAListOfPerksSaysWhatIsExpected() {
    assertThatThrownBy(() -> read("perk:\n  - id: x\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("expected one key, perks, holding a list");
    assertThatThrownBy(() -> read("perks: [unclosed"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Cannot read perks catalog perks.yaml");
  }

  @Test
  void theShippedCatalogIsValid() throws IOException {
    Path shipped = Path.of("..", "conf", "perks.yaml");
    try (InputStream in = Files.newInputStream(shipped)) {
      List<Perk> perks =
          PerkCatalog.read(
              in,
              shipped.toString(),
              ConfigLoader.load(null, Map.of(), Map.of()).ingest().networks());
      assertThat(perks).extracting(Perk::id).doesNotHaveDuplicates().isNotEmpty();
      assertThat(perks).anyMatch(p -> p.quantity() != null).anyMatch(p -> !p.networks().isEmpty());
    }
  }
}
