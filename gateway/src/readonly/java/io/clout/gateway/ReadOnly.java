package io.clout.gateway;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.Function1;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * Read-only BI sessions: a Spark SQL extension ({@code spark.sql.extensions}) whose check rule runs
 * on every analysed statement, before a command executes, and refuses anything but a query or a
 * look at metadata. Commands are allowed only by name (SHOW, DESCRIBE, EXPLAIN, SET, USE), so a
 * write Spark or Delta adds later is refused too; {@code reflect}/{@code java_method} are refused
 * because they call any static Java method. The gateway registers its catalog on its own thread
 * with {@link #bypass}.
 *
 * <p>One source for both endpoints: the gateway compiles it against Spark 3.5 and the jobs module
 * (for {@code ./clout serve --connect}, Spark 4.2) against Spark 4.2, from {@code
 * gateway/src/readonly/java}.
 */
public final class ReadOnly extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
  /** Metadata commands a BI tool issues; every other command is refused. */
  static final Pattern ALLOWED_COMMAND =
      Pattern.compile(
          "(Show|Describe|Explain)\\w*|SetCommand|ResetCommand|SetCatalogAndNamespace"
              + "|SetNamespaceCommand|SetCatalogCommand");

  static final Set<String> REFUSED_EXPRESSIONS = Set.of("CallMethodViaReflection");

  private static final ThreadLocal<Boolean> BYPASS = ThreadLocal.withInitial(() -> false);

  /** Thrown for a statement a BI session may not run; the JDBC client sees its message. */
  public static final class Refused extends RuntimeException {
    Refused(String what) {
      super(
          "Cannot run "
              + what
              + ": Clout's SQL endpoint is read-only (queries, SHOW, DESCRIBE, EXPLAIN and SET"
              + " only); the tables are written by the jobs (./clout daily)");
    }
  }

  /** Runs {@code body} on this thread with the check off: the endpoint's own catalog set-up. */
  public static void bypass(Runnable body) {
    BYPASS.set(true);
    try {
      body.run();
    } finally {
      BYPASS.set(false);
    }
  }

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    extensions.injectCheckRule(new Builder());
    return BoxedUnit.UNIT;
  }

  private static final class Builder
      extends AbstractFunction1<SparkSession, Function1<LogicalPlan, BoxedUnit>> {
    @Override
    public Function1<LogicalPlan, BoxedUnit> apply(SparkSession session) {
      return new Rule();
    }
  }

  /** The check rule: throws {@link Refused} for a plan that is not read-only. */
  static final class Rule extends AbstractFunction1<LogicalPlan, BoxedUnit> {
    @Override
    public BoxedUnit apply(LogicalPlan plan) {
      if (!BYPASS.get()) {
        check(plan);
      }
      return BoxedUnit.UNIT;
    }
  }

  /** Throws {@link Refused} if {@code plan} or any plan inside it writes or runs code. */
  static void check(LogicalPlan plan) {
    String name = plan.getClass().getSimpleName();
    if (plan instanceof Command && !matchesAllowed(name)) {
      throw new Refused(statement(name) + " (" + name + ")");
    }
    for (Expression e : list(plan.expressions())) {
      checkExpression(e);
    }
    for (LogicalPlan child : list(plan.children())) {
      check(child);
    }
  }

  private static void checkExpression(Expression e) {
    if (REFUSED_EXPRESSIONS.contains(e.getClass().getSimpleName())) {
      throw new Refused(e.prettyName());
    }
    if (e instanceof SubqueryExpression s) {
      check(s.plan());
    }
    for (Expression child : list(e.children())) {
      checkExpression(child);
    }
  }

  /** Whether a command node of this name only reads metadata. */
  static boolean matchesAllowed(String node) {
    return ALLOWED_COMMAND.matcher(node).matches();
  }

  /** The kind of statement a command node stands for, in the words of SQL. */
  static String statement(String node) {
    String n = node.toLowerCase();
    for (String[] kind :
        new String[][] {
          {"settable", "ALTER"},
          {"unsettable", "ALTER"},
          {"insert", "INSERT"},
          {"append", "INSERT"},
          {"overwrite", "INSERT OVERWRITE"},
          {"merge", "MERGE"},
          {"update", "UPDATE"},
          {"delete", "DELETE"},
          {"drop", "DROP"},
          {"createview", "CREATE VIEW"},
          {"create", "CREATE"},
          {"alter", "ALTER"},
          {"rename", "ALTER"},
          {"truncate", "TRUNCATE"},
          {"cache", "CACHE"},
          {"addjar", "ADD JAR"},
        }) {
      if (n.contains(kind[0])) {
        return kind[1];
      }
    }
    return "this statement";
  }

  private static <T> List<T> list(scala.collection.Seq<T> seq) {
    return JavaConverters.seqAsJavaList(seq);
  }
}
