package dev.gitops4j.examples.postgres;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Rules for role and schema names. Names are taken exactly as written in Git (never case-folded),
 * so {@code Mixed-Case} is the role {@code "Mixed-Case"}; they are always quoted in SQL.
 */
final class Identifiers {

  /** PostgreSQL truncates longer identifiers (NAMEDATALEN - 1 bytes). */
  static final int MAX_BYTES = 63;

  /** Where the inventory table lives; never declared in Git. */
  static final String STATE_SCHEMA = "gitops4j";

  private static final Set<String> RESERVED_ROLES =
      Set.of("public", "none", "current_user", "session_user", "current_role");

  private Identifiers() {}

  /** Why {@code name} cannot name a role, or {@code null} when it can. */
  static String checkRole(String name) {
    String problem = checkCommon(name);
    if (problem == null && RESERVED_ROLES.contains(name.toLowerCase(Locale.ROOT))) {
      problem = "'" + name + "' is reserved by PostgreSQL";
    }
    return problem;
  }

  /** Why {@code name} cannot name a schema, or {@code null} when it can. */
  static String checkSchema(String name) {
    String problem = checkCommon(name);
    if (problem == null && (name.equals(STATE_SCHEMA) || name.equals("information_schema"))) {
      problem = "schema '" + name + "' is reserved";
    }
    return problem;
  }

  private static String checkCommon(String name) {
    if (name.isBlank()) {
      return "a name must not be blank";
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      return "'" + name + "' is longer than " + MAX_BYTES + " bytes";
    }
    if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return "a name must not contain control characters";
    }
    if (name.startsWith("pg_")) {
      return "'" + name + "' starts with pg_, which PostgreSQL reserves";
    }
    return null;
  }
}
