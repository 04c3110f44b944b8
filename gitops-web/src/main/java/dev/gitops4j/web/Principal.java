package dev.gitops4j.web;

import java.util.Objects;
import java.util.Set;

/**
 * Who asks for something: a person or a machine identity.
 *
 * @param name the name recorded in the history with each action; never blank
 * @param roles roles an {@link Authorizer} may grant permissions to
 */
public record Principal(String name, Set<String> roles) {

  public Principal {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("principal name must not be blank");
    }
    roles = Set.copyOf(roles);
  }

  /** A principal without roles. */
  public static Principal of(String name) {
    return new Principal(name, Set.of());
  }

  /** A principal with roles. */
  public static Principal of(String name, String... roles) {
    return new Principal(name, Set.of(roles));
  }
}
