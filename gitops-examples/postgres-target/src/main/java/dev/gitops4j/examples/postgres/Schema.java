package dev.gitops4j.examples.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.ResourceId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A schema as this target manages it: its owner and the privileges other roles hold on it.
 *
 * @param name the schema name, exact
 * @param owner the owning role (it implicitly holds every privilege)
 * @param grants privileges of other roles, sorted by role
 */
record Schema(String name, String owner, List<Grant> grants) {

  static final String KIND = "Schema";

  /** The privileges a schema has. */
  static final Set<String> PRIVILEGES = Set.of("USAGE", "CREATE");

  /**
   * Privileges of one role on the schema.
   *
   * @param role the grantee
   * @param privileges {@code USAGE} and/or {@code CREATE}, sorted
   */
  record Grant(String role, Set<String> privileges) {
    Grant {
      Objects.requireNonNull(role, "role");
      privileges = java.util.Collections.unmodifiableSet(new TreeSet<>(privileges));
    }
  }

  Schema {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    grants = grants.stream().sorted(Comparator.comparing(Grant::role)).toList();
  }

  static ResourceId id(String name) {
    return ResourceId.of(KIND, name);
  }

  /** Privileges by role. */
  Map<String, Set<String>> privilegesByRole() {
    Map<String, Set<String>> byRole = new TreeMap<>();
    grants.forEach(grant -> byRole.put(grant.role(), grant.privileges()));
    return byRole;
  }

  ObjectNode toJson() {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("kind", KIND);
    body.put("name", name);
    body.put("owner", owner);
    var array = body.putArray("grants");
    for (Grant grant : grants) {
      ObjectNode element = array.addObject().put("role", grant.role());
      grant.privileges().forEach(element.putArray("privileges")::add);
    }
    return body;
  }

  /** Reads a body this class wrote. */
  static Schema fromJson(JsonNode body) {
    List<Grant> grants = new ArrayList<>();
    for (JsonNode grant : body.path("grants")) {
      Set<String> privileges = new TreeSet<>();
      grant.path("privileges").forEach(p -> privileges.add(p.asText()));
      grants.add(new Grant(grant.path("role").asText(), privileges));
    }
    return new Schema(body.path("name").asText(), body.path("owner").asText(), grants);
  }
}
