package dev.gitops4j.examples.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.render.IdentityResolver;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.render.Manifest;
import dev.gitops4j.render.ManifestDecoder;
import dev.gitops4j.render.Renderer;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns the YAML files of a revision into roles and schemas. Every file is decoded and every
 * manifest checked (unknown fields, types, names, references, secrets) before anything is returned:
 * a revision with one mistake is rejected whole, each problem reported at its file and line.
 *
 * <pre>{@code
 * kind: Role
 * name: app_writer
 * login: true
 * connectionLimit: 10
 * validUntil: "2030-01-01T00:00:00Z"
 * memberOf: [app_reader]
 * password: {fromEnv: APP_WRITER_PASSWORD}
 * ---
 * kind: Schema
 * name: app
 * owner: app_owner
 * grants:
 *   - role: app_reader
 *     privileges: [USAGE]
 * }</pre>
 */
final class PostgresRenderer implements Renderer {

  /** Which of some role names exist in the database. */
  @FunctionalInterface
  interface RoleDirectory {
    Set<String> existing(Collection<String> names) throws TargetException;
  }

  /** Identity of a manifest: {@code kind} is Role or Schema, {@code name} a valid name. */
  static final IdentityResolver IDENTITY =
      manifest -> {
        JsonNode kind = manifest.path("kind");
        if (!kind.isTextual()) {
          throw new IdentityResolver.UnresolvableException(
              "", "missing field 'kind' (Role or Schema)");
        }
        JsonNode name = manifest.path("name");
        if (!name.isTextual()) {
          throw new IdentityResolver.UnresolvableException("", "missing field 'name'");
        }
        String problem =
            switch (kind.textValue()) {
              case Role.KIND -> Identifiers.checkRole(name.textValue());
              case Schema.KIND -> Identifiers.checkSchema(name.textValue());
              default -> null;
            };
        if (!kind.textValue().equals(Role.KIND) && !kind.textValue().equals(Schema.KIND)) {
          throw new IdentityResolver.UnresolvableException(
              "/kind", "unknown kind '" + kind.textValue() + "' (expected Role or Schema)");
        }
        if (problem != null) {
          throw new IdentityResolver.UnresolvableException("/name", "invalid name: " + problem);
        }
        return ResourceId.of(kind.textValue(), name.textValue());
      };

  private static final Set<String> ROLE_FIELDS =
      Set.of("kind", "name", "login", "connectionLimit", "validUntil", "memberOf", "password");
  private static final Set<String> SCHEMA_FIELDS = Set.of("kind", "name", "owner", "grants");
  private static final Set<String> GRANT_FIELDS = Set.of("role", "privileges");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final ManifestDecoder decoder = ManifestDecoder.ofDefaults();
  private final RoleDirectory directory;
  private final Function<String, String> secrets;
  private volatile Map<String, Integer> roleDepths = Map.of();

  PostgresRenderer(RoleDirectory directory, Function<String, String> secrets) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.secrets = Objects.requireNonNull(secrets, "secrets");
  }

  /**
   * How many declared roles {@code role} sits below in the last rendered revision: a role is
   * created after the roles it is a member of.
   */
  int roleDepth(String role) {
    return roleDepths.getOrDefault(role, 0);
  }

  @Override
  public DesiredState render(Snapshot snapshot)
      throws InvalidDesiredStateException, TargetException {
    List<Problem> problems = new ArrayList<>();
    Map<ResourceId, Origin> declared = new HashMap<>();
    Map<String, Parsed<Role>> roles = new LinkedHashMap<>();
    Map<String, Parsed<Schema>> schemas = new LinkedHashMap<>();
    for (SourceFile file : snapshot.files()) {
      if (!decoder.accepts(file)) {
        continue;
      }
      try {
        for (Manifest manifest : decoder.decode(file)) {
          ResourceId id = identify(manifest, problems);
          if (id == null) {
            continue;
          }
          Origin first = declared.putIfAbsent(id, manifest.origin());
          if (first != null) {
            problems.add(
                new Problem(
                    manifest.origin(), "duplicate " + id + " (first declared at " + first + ")"));
            continue;
          }
          Fields fields = new Fields(manifest, problems);
          if (id.kind().equals(Role.KIND)) {
            roles.put(id.name(), new Parsed<>(readRole(fields), manifest));
          } else {
            schemas.put(id.name(), new Parsed<>(readSchema(fields), manifest));
          }
        }
      } catch (InvalidDesiredStateException e) {
        problems.addAll(e.problems());
      }
    }
    checkReferences(roles, schemas, problems);
    Map<String, Integer> depths = depths(roles, problems);
    if (!problems.isEmpty()) {
      throw new InvalidDesiredStateException(problems);
    }
    roleDepths = depths;
    List<DesiredResource> resources = new ArrayList<>();
    roles.forEach(
        (name, role) ->
            resources.add(resource(Role.id(name), role.value().toJson(), role, snapshot)));
    schemas.forEach(
        (name, schema) ->
            resources.add(resource(Schema.id(name), schema.value().toJson(), schema, snapshot)));
    return DesiredState.of(snapshot.revision(), resources);
  }

  private static DesiredResource resource(
      ResourceId id, JsonNode body, Parsed<?> parsed, Snapshot snapshot) {
    return new DesiredResource(id, body, parsed.manifest().origin(), snapshot.revision());
  }

  private static ResourceId identify(Manifest manifest, List<Problem> problems) {
    try {
      return IDENTITY.resolve(manifest.body());
    } catch (IdentityResolver.UnresolvableException e) {
      problems.add(new Problem(manifest.locate(e.pointer()), e.getMessage()));
      return null;
    }
  }

  private Role readRole(Fields fields) {
    fields.onlyKnown(Role.KIND, ROLE_FIELDS);
    String name = fields.body().path("name").textValue();
    List<String> memberOf = fields.names("memberOf", Identifiers::checkRole);
    if (memberOf.contains(name)) {
      fields.problem("/memberOf", "a role cannot be a member of itself");
    }
    return new Role(
        name,
        fields.bool("login", false),
        fields.integer("connectionLimit", -1, -1),
        fields.instant("validUntil"),
        memberOf,
        passwordReference(fields));
  }

  /** Passwords never live in Git: only the name of the variable that holds one. */
  private String passwordReference(Fields fields) {
    JsonNode password = fields.body().path("password");
    if (password.isMissingNode() || password.isNull()) {
      return null;
    }
    if (!password.isObject()) {
      // The value is deliberately not echoed: it may be a real password committed by mistake.
      fields.problem(
          "/password",
          "passwords must not be written in Git; use password: {fromEnv: VARIABLE_NAME}");
      return null;
    }
    JsonNode variable = password.path("fromEnv");
    Iterator<String> names = password.fieldNames();
    while (names.hasNext()) {
      String field = names.next();
      if (!field.equals("fromEnv")) {
        fields.problem(
            "/password/" + Fields.escape(field),
            "unknown field '" + field + "' in password (known: fromEnv)");
      }
    }
    if (!variable.isTextual() || !ENV_NAME.matcher(variable.textValue()).matches()) {
      fields.problem("/password/fromEnv", "password.fromEnv must name an environment variable");
      return null;
    }
    if (secrets.apply(variable.textValue()) == null) {
      fields.problem(
          "/password/fromEnv", "environment variable " + variable.textValue() + " is not set");
    }
    return variable.textValue();
  }

  private Schema readSchema(Fields fields) {
    fields.onlyKnown(Schema.KIND, SCHEMA_FIELDS);
    String owner = fields.name("owner", Identifiers::checkRole);
    List<Schema.Grant> grants = new ArrayList<>();
    JsonNode array = fields.body().path("grants");
    if (!array.isMissingNode() && !array.isNull() && !array.isArray()) {
      fields.problem("/grants", "grants must be a list of {role, privileges}");
    }
    Set<String> seen = new TreeSet<>();
    for (int i = 0; i < array.size() && array.isArray(); i++) {
      String at = "/grants/" + i;
      JsonNode grant = array.get(i);
      if (!grant.isObject()) {
        fields.problem(at, "a grant must be a mapping {role, privileges}");
        continue;
      }
      fields.onlyKnown(at, "grant", GRANT_FIELDS);
      String role = fields.name(at + "/role", Identifiers::checkRole);
      if (role == null) {
        continue;
      }
      if (role.equals(owner)) {
        fields.problem(
            at + "/role", "'" + role + "' owns the schema and holds every privilege already");
      } else if (!seen.add(role)) {
        fields.problem(
            at + "/role", "role '" + role + "' is granted twice; list its privileges once");
      }
      Set<String> privileges = new TreeSet<>();
      JsonNode list = grant.path("privileges");
      if (!list.isArray() || list.isEmpty()) {
        fields.problem(at + "/privileges", "privileges must be a non-empty list of USAGE, CREATE");
      }
      for (int p = 0; p < list.size(); p++) {
        String privilege = list.get(p).asText("").toUpperCase(Locale.ROOT);
        if (!Schema.PRIVILEGES.contains(privilege)) {
          fields.problem(
              at + "/privileges/" + p,
              "unknown privilege '" + list.get(p).asText() + "' (a schema has USAGE and CREATE)");
        }
        privileges.add(privilege);
      }
      grants.add(new Schema.Grant(role, privileges));
    }
    return new Schema(fields.body().path("name").textValue(), owner == null ? "" : owner, grants);
  }

  /** Every role a manifest refers to is declared in Git or already exists in the database. */
  private void checkReferences(
      Map<String, Parsed<Role>> roles, Map<String, Parsed<Schema>> schemas, List<Problem> problems)
      throws TargetException {
    Map<String, List<Origin>> references = new LinkedHashMap<>();
    for (Parsed<Role> role : roles.values()) {
      collect(role.manifest(), "/memberOf", true, role.value().memberOf(), references);
    }
    for (Parsed<Schema> schema : schemas.values()) {
      Manifest manifest = schema.manifest();
      collect(manifest, "/owner", false, List.of(schema.value().owner()), references);
      List<String> grantees = schema.value().grants().stream().map(Schema.Grant::role).toList();
      for (int i = 0; i < manifest.body().path("grants").size(); i++) {
        collect(manifest, "/grants/" + i + "/role", false, grantees, references);
      }
    }
    Set<String> undeclared = new LinkedHashSet<>(references.keySet());
    undeclared.removeAll(roles.keySet());
    if (undeclared.isEmpty()) {
      return;
    }
    Set<String> existing = directory.existing(undeclared);
    for (String role : undeclared) {
      if (!existing.contains(role)) {
        for (Origin origin : references.get(role)) {
          problems.add(
              new Problem(
                  origin, "role '" + role + "' is neither declared in Git nor an existing role"));
        }
      }
    }
  }

  /**
   * Records where valid role names are referred to: the text at {@code pointer}, or each element of
   * the array there when {@code each} is set.
   */
  private static void collect(
      Manifest manifest,
      String pointer,
      boolean each,
      List<String> valid,
      Map<String, List<Origin>> references) {
    JsonNode node = manifest.body().at(pointer);
    List<String> pointers = new ArrayList<>();
    if (each) {
      for (int i = 0; i < node.size(); i++) {
        pointers.add(pointer + "/" + i);
      }
    } else {
      pointers.add(pointer);
    }
    for (String at : pointers) {
      String name = manifest.body().at(at).asText("");
      if (valid.contains(name)) {
        references.computeIfAbsent(name, k -> new ArrayList<>()).add(manifest.locate(at));
      }
    }
  }

  /** Depth of each declared role in the membership graph; a cycle is a problem. */
  private static Map<String, Integer> depths(
      Map<String, Parsed<Role>> roles, List<Problem> problems) {
    Map<String, Integer> depths = new HashMap<>();
    for (String role : roles.keySet()) {
      depth(role, roles, depths, new LinkedHashSet<>(), problems);
    }
    return Map.copyOf(depths);
  }

  private static int depth(
      String role,
      Map<String, Parsed<Role>> roles,
      Map<String, Integer> depths,
      LinkedHashSet<String> path,
      List<Problem> problems) {
    Integer known = depths.get(role);
    if (known != null) {
      return known;
    }
    if (!path.add(role)) {
      problems.add(
          new Problem(
              roles.get(role).manifest().locate("/memberOf"),
              "circular membership: " + String.join(" -> ", path) + " -> " + role));
      depths.put(role, 0);
      return 0;
    }
    int depth = 0;
    for (String parent : roles.get(role).value().memberOf()) {
      if (roles.containsKey(parent)) {
        depth = Math.max(depth, 1 + depth(parent, roles, depths, path, problems));
      }
    }
    path.remove(role);
    depths.putIfAbsent(role, depth);
    return depths.get(role);
  }

  /** A value read from a manifest, kept with the manifest to locate later problems. */
  private record Parsed<T>(T value, Manifest manifest) {}

  /** Typed, located access to the fields of one manifest; problems are collected, not thrown. */
  private static final class Fields {
    private final Manifest manifest;
    private final List<Problem> problems;

    Fields(Manifest manifest, List<Problem> problems) {
      this.manifest = manifest;
      this.problems = problems;
    }

    JsonNode body() {
      return manifest.body();
    }

    void problem(String pointer, String message) {
      problems.add(new Problem(manifest.locate(pointer), message));
    }

    void onlyKnown(String kind, Set<String> known) {
      onlyKnown("", kind, known);
    }

    void onlyKnown(String pointer, String what, Set<String> known) {
      Iterator<String> names = body().at(pointer).fieldNames();
      while (names.hasNext()) {
        String field = names.next();
        if (!known.contains(field)) {
          problem(
              pointer + "/" + escape(field),
              "unknown field '"
                  + field
                  + "' in "
                  + what
                  + " (known: "
                  + new TreeSet<>(known)
                  + ")");
        }
      }
    }

    boolean bool(String field, boolean absent) {
      JsonNode value = body().path(field);
      if (value.isMissingNode() || value.isNull()) {
        return absent;
      }
      if (!value.isBoolean()) {
        problem("/" + field, field + " must be true or false");
        return absent;
      }
      return value.booleanValue();
    }

    int integer(String field, int absent, int min) {
      JsonNode value = body().path(field);
      if (value.isMissingNode() || value.isNull()) {
        return absent;
      }
      if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min) {
        problem("/" + field, field + " must be an integer of at least " + min);
        return absent;
      }
      return value.intValue();
    }

    /** An instant, a date-time with offset or a date (midnight UTC); whole seconds are kept. */
    Instant instant(String field) {
      JsonNode value = body().path(field);
      if (value.isMissingNode() || value.isNull()) {
        return null;
      }
      String text = value.asText();
      try {
        if (text.length() == 10) {
          return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        return OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.SECONDS);
      } catch (DateTimeParseException e) {
        problem(
            "/" + field,
            field + " must be a date (2030-01-31) or date-time with offset (2030-01-31T12:00:00Z)");
        return null;
      }
    }

    /** A required name, checked with {@code rule}; {@code pointer} may be a path. */
    String name(String pointer, Function<String, String> rule) {
      String at = pointer.startsWith("/") ? pointer : "/" + pointer;
      JsonNode value = body().at(at);
      if (!value.isTextual()) {
        problem(at, "missing or non-text field '" + at.substring(at.lastIndexOf('/') + 1) + "'");
        return null;
      }
      String bad = rule.apply(value.textValue());
      if (bad != null) {
        problem(at, "invalid name: " + bad);
        return null;
      }
      return value.textValue();
    }

    List<String> names(String field, Function<String, String> rule) {
      JsonNode value = body().path(field);
      List<String> names = new ArrayList<>();
      if (value.isMissingNode() || value.isNull()) {
        return names;
      }
      if (!value.isArray()) {
        problem("/" + field, field + " must be a list of names");
        return names;
      }
      for (int i = 0; i < value.size(); i++) {
        String name = name("/" + field + "/" + i, rule);
        if (name != null) {
          names.add(name);
        }
      }
      return names;
    }

    static String escape(String field) {
      return field.replace("~", "~0").replace("/", "~1");
    }
  }
}
