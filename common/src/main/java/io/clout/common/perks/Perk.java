package io.clout.common.perks;

import java.time.LocalDate;
import java.util.List;

/**
 * One partner perk from the perks catalog (conf/perks.yaml), validated by {@link PerkCatalog}.
 *
 * @param id a stable key, lower case letters, digits and dashes
 * @param partner who offers it
 * @param description what the perk is, for the people who get it
 * @param minScore the lowest score that qualifies, 1-100
 * @param networks a person qualifies only if seen on one of these in the scoring window; empty: any
 *     network
 * @param validFrom the first day it is offered
 * @param validTo the last day it is offered, or null for open-ended
 * @param quantity how many people may hold it on a day (highest score first, ties by person id), or
 *     null for no limit
 */
public record Perk(
    String id,
    String partner,
    String description,
    double minScore,
    List<String> networks,
    LocalDate validFrom,
    LocalDate validTo,
    Integer quantity) {

  public Perk {
    networks = List.copyOf(networks);
  }

  /** Whether the perk is offered on {@code day}. */
  public boolean offeredOn(LocalDate day) {
    return !day.isBefore(validFrom) && (validTo == null || !day.isAfter(validTo));
  }
}
