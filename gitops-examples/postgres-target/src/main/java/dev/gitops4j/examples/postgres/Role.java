package dev.gitops4j.examples.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.ResourceId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A role as this target manages it. Desired and live roles share this shape, so the differ compares
 * like with like: the renderer and the catalog both produce {@link #toJson()}.
 *
 * @param name the role name, exact
 * @param login whether the role may log in
 * @param connectionLimit at most this many connections, {@code -1} for no limit
 * @param validUntil when its password stops working, or {@code null} for never
 * @param memberOf roles it is a member of, sorted
 * @param passwordFromEnv name of the environment variable holding its password, or {@code null};
 *     desired side only, since PostgreSQL never shows a password back
 */
record Role(
    String name,
    boolean login,
    int connectionLimit,
    Instant validUntil,
    List<String> memberOf,
    String passwordFromEnv) {

  static final String KIND = "Role";

  Role {
    Objects.requireNonNull(name, "name");
    memberOf = memberOf.stream().sorted().distinct().toList();
  }

  static ResourceId id(String name) {
    return ResourceId.of(KIND, name);
  }

  ObjectNode toJson() {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("kind", KIND);
    body.put("name", name);
    body.put("login", login);
    body.put("connectionLimit", connectionLimit);
    if (validUntil != null) {
      body.put("validUntil", validUntil.toString());
    }
    memberOf.forEach(body.putArray("memberOf")::add);
    if (passwordFromEnv != null) {
      body.putObject("password").put("fromEnv", passwordFromEnv);
    }
    return body;
  }

  /** Reads a body this class wrote (canonical: the renderer has validated it). */
  static Role fromJson(JsonNode body) {
    List<String> memberOf = new ArrayList<>();
    body.path("memberOf").forEach(role -> memberOf.add(role.asText()));
    JsonNode validUntil = body.path("validUntil");
    JsonNode password = body.path("password").path("fromEnv");
    return new Role(
        body.path("name").asText(),
        body.path("login").asBoolean(false),
        body.path("connectionLimit").asInt(-1),
        validUntil.isTextual() ? Instant.parse(validUntil.asText()) : null,
        memberOf,
        password.isTextual() ? password.asText() : null);
  }
}
