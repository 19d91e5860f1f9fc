package io.clout.jobs;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.clout.common.config.CloutConfig;
import io.delta.tables.DeltaTable;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code clout forget --person P}: erases a person and their linked accounts from every table of
 * the catalog ({@link Tables#ALL}), and writes an audit record that holds no personal data.
 *
 * <p>What goes, table by table, from the catalog's {@link Table#personColumns()}:
 *
 * <ul>
 *   <li>a row whose top-level person column names the person is deleted: a person column holds the
 *       person id or {@code network:account} (what scores use for an unmapped account); an account
 *       column ({@link #ACCOUNT_COLUMNS}) holds a raw account, qualified by the {@code network}
 *       beside it;
 *   <li>a nested person column ({@code moments.engagers.person_id}) loses the person's elements
 *       from its array; the row stays (it is someone else's);
 *   <li>a table that declares no person columns ({@code rejected_events}: quarantined raw lines)
 *       loses every row whose free text ({@link #FREE_TEXT_COLUMNS}) mentions one of the ids or
 *       accounts as a whole word;
 *   <li>in the other tables, a mention in free text (a comment naming the account) is replaced by
 *       {@link #REDACTED}.
 * </ul>
 *
 * <p>Each table's change is one Delta MERGE (one commit) against a one-row source holding the ids.
 * A MERGE rather than a DELETE because Delta records a DELETE's predicate in the commit, ids and
 * all, in {@code _delta_log}; a MERGE's condition names only the source's columns, so the erasure
 * itself writes no id anywhere. Tables with nothing to remove get no commit. The table the accounts
 * are resolved from ({@code identities}) goes last, so a run stopped partway can simply be run
 * again.
 *
 * <p>Delta keeps the files the erasure replaced, for time travel, until VACUUM removes them:
 * docs/operations.md, "Erasure".
 */
public final class Forget {
  /** What a mention of the person in free text becomes. */
  public static final String REDACTED = "[erased]";

  /**
   * The names of the person columns that hold a raw account rather than a person id; each has a
   * {@code network} column beside it (top level, or in the same struct). The catalog's {@code
   * personColumns} says which columns hold people, not which of the two forms; these names do.
   */
  static final Set<String> ACCOUNT_COLUMNS = Set.of("actor_id", "target_id", "account_id");

  /** Columns that hold free text (or a raw line) that may mention an account or person id. */
  static final Set<String> FREE_TEXT_COLUMNS = Set.of("text", "raw_text", "detail");

  /** The audit records' folder: {@code <warehouse>/_audit/erasures/}. */
  public static String auditFolder(CloutConfig config) {
    return Tables.stripSlash(config.paths().warehouse()) + "/_audit/erasures";
  }

  /** One linked account. */
  public record Account(String network, String accountId) {
    /** The person id scores give the account when identities maps it to no one. */
    public String personForm() {
      return network + ":" + accountId;
    }
  }

  /**
   * Whom to forget.
   *
   * @param personId the person id as given
   * @param accounts the linked accounts, from identities (or the one account of a {@code
   *     network:account} id)
   */
  public record Subject(String personId, List<Account> accounts) {
    /** Every value a person column may hold for them. */
    public List<String> ids() {
      Set<String> ids = new LinkedHashSet<>();
      ids.add(personId);
      accounts.forEach(a -> ids.add(a.personForm()));
      return List.copyOf(ids);
    }

    /** What free text may mention: the ids and the bare account ids. */
    public List<String> words() {
      Set<String> words = new LinkedHashSet<>(ids());
      accounts.forEach(a -> words.add(a.accountId()));
      return List.copyOf(words);
    }

    /**
     * A regular expression matching any of {@link #words()} as a whole word (not inside a longer
     * id: {@code tw1} does not match in {@code tw12}).
     */
    public String wordPattern() {
      List<String> quoted =
          words().stream()
              .sorted(Comparator.comparingInt(String::length).reversed())
              .map(Pattern::quote)
              .toList();
      return "(?<![\\p{L}\\p{N}_])(?:" + String.join("|", quoted) + ")(?![\\p{L}\\p{N}_])";
    }
  }

  /**
   * What the erasure did to one table.
   *
   * @param rowsDeleted rows removed
   * @param rowsUpdated rows kept with the person taken out of a nested array or free text
   * @param versionAfter the table's Delta version afterwards (unchanged when nothing matched)
   */
  public record TableChange(long rowsDeleted, long rowsUpdated, long versionAfter) {}

  /**
   * One erasure, and the audit record written for it ({@code _audit/erasures/<id>.json}). It holds
   * no personal data: not the person id, not their accounts, and not a hash of either, since anyone
   * holding the id (or able to list the id space: p000000 to p999999) can recompute a hash and link
   * it back, so a hash is still personal data. The erasure id links the record to the request in
   * whatever system tracks requests.
   *
   * @param erasureId a random id
   * @param erasedAt when it ran (UTC)
   * @param dryRun true when nothing was changed (no audit record is written then)
   * @param accounts how many linked accounts were found
   * @param tables per table searched, what changed
   */
  public record Erasure(
      String erasureId,
      String erasedAt,
      boolean dryRun,
      int accounts,
      Map<String, TableChange> tables) {
    public long rowsDeleted() {
      return tables.values().stream().mapToLong(TableChange::rowsDeleted).sum();
    }

    public long rowsUpdated() {
      return tables.values().stream().mapToLong(TableChange::rowsUpdated).sum();
    }

    /** The tables that changed (or would change, on a dry run). */
    public List<String> changedTables() {
      return tables.entrySet().stream()
          .filter(e -> e.getValue().rowsDeleted() + e.getValue().rowsUpdated() > 0)
          .map(Map.Entry::getKey)
          .toList();
    }
  }

  /**
   * How one table is searched: {@code on} selects the rows to change, {@code delete} those of them
   * that go, {@code updates} the new values of the others' columns (SQL over {@code t}, the table,
   * and {@code s}, the one-row source with {@code ids} and {@code pattern}).
   */
  record Plan(String on, String delete, Map<String, String> updates) {}

  private Forget() {}

  /** Why {@code person} cannot be a person id, if it cannot. */
  public static Optional<String> problem(String person) {
    if (person == null || person.isBlank()) {
      return Optional.of("the person id is empty");
    }
    if (!person.strip().equals(person)) {
      return Optional.of("the person id starts or ends with white space");
    }
    if (person.chars().anyMatch(Character::isISOControl)) {
      return Optional.of("the person id holds a control character");
    }
    return Optional.empty();
  }

  /**
   * Erases {@code person} (or, with {@code dryRun}, counts what would go), printing a line per
   * table; writes the audit record unless {@code dryRun}. Prints no id.
   */
  public static Erasure run(
      SparkSession spark, CloutConfig config, String person, boolean dryRun, PrintStream out) {
    problem(person)
        .ifPresent(
            p -> {
              throw new CloutException("Cannot forget the person: " + p);
            });
    // The warehouse's run lock, as a daily run takes it: no day writes while the erasure runs
    // (a day that read identities before it would write the person back). Not for a dry run,
    // which writes nothing; the lock names the run "forget", never the person.
    try (RunLock lock = dryRun ? null : RunLock.acquire(spark, config, "forget")) {
      return erase(spark, config, person, dryRun, out);
    }
  }

  private static Erasure erase(
      SparkSession spark, CloutConfig config, String person, boolean dryRun, PrintStream out) {
    Subject subject = resolve(Tables.read(spark, config, Tables.IDENTITIES), person);
    out.println(
        "forget: "
            + subject.accounts().size()
            + " linked account(s)"
            + (dryRun ? "; dry run, nothing is changed" : ""));
    Dataset<Row> source = source(spark, subject);
    List<Table> order = new ArrayList<>(Tables.ALL);
    // identities last: a run stopped partway resolves the same accounts when run again.
    order.remove(Tables.IDENTITIES);
    order.add(Tables.IDENTITIES);
    Map<String, TableChange> changes = new LinkedHashMap<>();
    for (Table table : order) {
      String path = Tables.path(config, table);
      if (!Delta.exists(spark, path)) {
        continue;
      }
      Dataset<Row> rows = spark.read().format("delta").load(path);
      Plan plan = plan(table, rows.schema());
      // Counted first: the dry run's answer, and a table with nothing to remove gets no commit.
      Row found =
          rows.as("t")
              .crossJoin(broadcast(source).as("s"))
              .where(expr(plan.on()))
              .selectExpr(
                  "count_if(" + plan.delete() + ") AS deleted",
                  "count_if(NOT (" + plan.delete() + ")) AS updated")
              .first();
      long deleted = found.getLong(0);
      long updated = found.getLong(1);
      if (!dryRun && deleted + updated > 0) {
        var merge =
            DeltaTable.forPath(spark, path)
                .as("t")
                .merge(source.as("s"), expr(plan.on()))
                .whenMatched(expr(plan.delete()))
                .delete();
        Row metrics =
            (plan.updates().isEmpty() ? merge : merge.whenMatched().updateExpr(plan.updates()))
                .execute()
                .first();
        deleted = metrics.<Long>getAs("num_deleted_rows");
        updated = metrics.<Long>getAs("num_updated_rows");
        purgeDeletionVectors(spark, path);
      }
      TableChange change = new TableChange(deleted, updated, Delta.version(spark, path));
      changes.put(table.name(), change);
      out.printf(
          "  %s: %d rows %s, %d rows %s%n",
          table.name(),
          deleted,
          dryRun ? "to delete" : "deleted",
          updated,
          dryRun ? "to clean (nested or free text)" : "cleaned (nested or free text)");
    }
    // The audit's time only: nothing computed depends on the clock.
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Erasure erasure =
        new Erasure(
            UUID.randomUUID().toString(),
            now.toString(),
            dryRun,
            subject.accounts().size(),
            changes);
    if (!dryRun) {
      Reports.write(spark, auditPath(config, erasure), erasure);
    }
    return erasure;
  }

  /** {@code <warehouse>/_audit/erasures/<erased_at>-<erasure_id>.json}, in time order by name. */
  public static String auditPath(CloutConfig config, Erasure erasure) {
    return auditFolder(config)
        + "/"
        + erasure.erasedAt().replace(":", "").replace("-", "")
        + "-"
        + erasure.erasureId()
        + ".json";
  }

  /**
   * The person and their accounts. A person id identities knows brings every account mapped to it.
   * Otherwise an id of the form {@code network:account} is that one unmapped account; if identities
   * maps the account to a person, the request is refused and names that person, since erasing the
   * person (all their accounts) is a larger act the operator must ask for. Any other id is searched
   * for as it is, with no accounts.
   */
  public static Subject resolve(Dataset<Row> identities, String person) {
    // A person's accounts: a handful of rows.
    List<Account> accounts =
        identities
            .where(col("person_id").equalTo(person))
            .select("network", "account_id")
            .collectAsList()
            .stream()
            .map(r -> new Account(r.getString(0), r.getString(1)))
            .sorted(Comparator.comparing(Account::network).thenComparing(Account::accountId))
            .toList();
    if (!accounts.isEmpty()) {
      return new Subject(person, accounts);
    }
    int colon = person.indexOf(':');
    if (colon <= 0 || colon == person.length() - 1) {
      return new Subject(person, List.of());
    }
    Account account = new Account(person.substring(0, colon), person.substring(colon + 1));
    List<Row> owner =
        identities
            .where(
                col("network")
                    .equalTo(account.network())
                    .and(col("account_id").equalTo(account.accountId())))
            .select("person_id")
            .collectAsList();
    if (!owner.isEmpty()) {
      String p = owner.get(0).getString(0);
      throw new CloutException(
          "Cannot forget "
              + person
              + ": identities maps that account to person "
              + p
              + "; --person "
              + p
              + " forgets the person with every account linked to them");
    }
    return new Subject(person, List.of(account));
  }

  /**
   * The one-row MERGE source: the ids ({@code ids}) and the free-text pattern ({@code pattern}).
   */
  static Dataset<Row> source(SparkSession spark, Subject subject) {
    StructType schema =
        new StructType()
            .add("ids", DataTypes.createArrayType(DataTypes.StringType, false), false)
            .add("pattern", DataTypes.StringType, false);
    return spark.createDataFrame(
        List.of(RowFactory.create(subject.ids().toArray(String[]::new), subject.wordPattern())),
        schema);
  }

  /** How to search {@code table}, whose rows have {@code schema}. */
  static Plan plan(Table table, StructType schema) {
    List<String> belongs = new ArrayList<>();
    List<String> touches = new ArrayList<>();
    Map<String, String> updates = new LinkedHashMap<>();
    Map<String, List<String>> nested = new LinkedHashMap<>();
    for (String c : table.personColumns()) {
      int dot = c.indexOf('.');
      if (dot < 0) {
        belongs.add(hit(table, schema, "t", c));
      } else {
        nested
            .computeIfAbsent(c.substring(0, dot), k -> new ArrayList<>())
            .add(c.substring(dot + 1));
      }
    }
    nested.forEach(
        (array, fields) -> {
          StructType element = arrayOfStructs(table, schema, array);
          List<String> hits = new ArrayList<>();
          for (String f : fields) {
            hits.add(hit(table, element, "e", f));
          }
          String any = String.join(" OR ", hits);
          touches.add("coalesce(exists(t.`" + array + "`, e -> " + any + "), false)");
          updates.put(array, "filter(t.`" + array + "`, e -> NOT (" + any + "))");
        });
    for (StructField f : schema.fields()) {
      if (FREE_TEXT_COLUMNS.contains(f.name()) && f.dataType() instanceof StringType) {
        String mentions = "coalesce(t.`" + f.name() + "` RLIKE s.pattern, false)";
        if (table.personColumns().isEmpty()) {
          // A table of raw lines: a line that mentions them is theirs, or names them.
          belongs.add(mentions);
        } else {
          touches.add(mentions);
          updates.put(
              f.name(), "regexp_replace(t.`" + f.name() + "`, s.pattern, '" + REDACTED + "')");
        }
      }
    }
    String delete = belongs.isEmpty() ? "false" : String.join(" OR ", belongs);
    List<String> on = new ArrayList<>(belongs);
    on.addAll(touches);
    return new Plan(on.isEmpty() ? "false" : String.join(" OR ", on), delete, updates);
  }

  /** Whether column {@code c} of {@code alias} (whose fields are {@code fields}) names them. */
  private static String hit(Table table, StructType fields, String alias, String c) {
    String ref = alias + ".`" + c + "`";
    if (!ACCOUNT_COLUMNS.contains(c)) {
      return "coalesce(array_contains(s.ids, " + ref + "), false)";
    }
    if (!List.of(fields.fieldNames()).contains("network")) {
      throw new IllegalStateException(
          "Cannot forget in "
              + table.name()
              + ": account column "
              + c
              + " has no network column beside it");
    }
    return "coalesce(array_contains(s.ids, concat("
        + alias
        + ".network, ':', "
        + ref
        + ")), false)";
  }

  private static StructType arrayOfStructs(Table table, StructType schema, String column) {
    if (schema.getFieldIndex(column).isDefined()
        && schema.apply(column).dataType() instanceof ArrayType a
        && a.elementType() instanceof StructType s) {
      return s;
    }
    throw new IllegalStateException(
        "Cannot forget in "
            + table.name()
            + ": "
            + column
            + " is declared with nested person fields but is not an array of structs");
  }

  /**
   * Where a table keeps deletion vectors (not Clout's default), a MERGE only marks rows deleted and
   * the files still hold them for as long as the table lives; rewriting the files makes the old
   * ones unreferenced, so VACUUM can remove them.
   */
  private static void purgeDeletionVectors(SparkSession spark, String path) {
    Object dv =
        DeltaTable.forPath(spark, path)
            .detail()
            .selectExpr("properties['delta.enableDeletionVectors']")
            .first()
            .get(0);
    if ("true".equals(dv)) {
      spark.sql("REORG TABLE " + Delta.sqlRef(spark, path) + " APPLY (PURGE)");
    }
  }
}
