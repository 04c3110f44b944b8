package dev.gitops4j.web;

import dev.gitops4j.web.internal.Grants;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Decides whether a principal may perform an action on an application. */
@FunctionalInterface
public interface Authorizer {

  boolean allows(Principal principal, Action action, String application);

  /** Every authenticated principal may do everything. */
  static Authorizer allowAll() {
    return (principal, action, application) -> true;
  }

  /** A rule set: whatever no grant allows is refused. */
  static Rules rules() {
    return new Rules();
  }

  /**
   * Grants to principals (by name) or roles, for applications matched by name: {@code *} for all,
   * {@code shop-*} for a prefix, or an exact name.
   *
   * <pre>{@code
   * Authorizer authorizer = Authorizer.rules()
   *     .grantRole("operators", "*", Action.values())
   *     .grant("ci-bot", "shop-*", Action.SYNC)
   *     .build();
   * }</pre>
   */
  final class Rules {
    private final List<Grants.Grant> grants = new ArrayList<>();

    private Rules() {}

    /** Lets the principal named {@code name} perform {@code actions} on matching applications. */
    public Rules grant(String name, String applications, Action... actions) {
      grants.add(Grants.grant(false, name, applications, Set.of(actions)));
      return this;
    }

    /** Lets every principal with {@code role} perform {@code actions} on matching applications. */
    public Rules grantRole(String role, String applications, Action... actions) {
      grants.add(Grants.grant(true, role, applications, Set.of(actions)));
      return this;
    }

    public Authorizer build() {
      return new Grants(List.copyOf(grants));
    }
  }
}
