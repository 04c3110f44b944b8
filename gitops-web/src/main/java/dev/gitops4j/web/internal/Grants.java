package dev.gitops4j.web.internal;

import dev.gitops4j.web.Action;
import dev.gitops4j.web.Authorizer;
import dev.gitops4j.web.Principal;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/** The built-in rule set behind {@link Authorizer#rules()}: allowed when any grant matches. */
public final class Grants implements Authorizer {

  private static final Pattern APPLICATIONS = Pattern.compile("\\*|[A-Za-z0-9][A-Za-z0-9._-]*\\*?");

  /** One grant: a principal name or role, an application pattern and the actions allowed. */
  public record Grant(boolean role, String subject, String applications, Set<Action> actions) {

    boolean matches(Principal principal, Action action, String application) {
      boolean who = role ? principal.roles().contains(subject) : principal.name().equals(subject);
      return who && actions.contains(action) && appMatches(application);
    }

    private boolean appMatches(String application) {
      if (applications.endsWith("*")) {
        return application.startsWith(applications.substring(0, applications.length() - 1));
      }
      return application.equals(applications);
    }
  }

  private final List<Grant> grants;

  public Grants(List<Grant> grants) {
    this.grants = grants;
  }

  /** Checks and builds one grant. */
  public static Grant grant(
      boolean role, String subject, String applications, Set<Action> actions) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(applications, "applications");
    if (subject.isBlank()) {
      throw new IllegalArgumentException("a grant needs a principal name or role");
    }
    if (!APPLICATIONS.matcher(applications).matches()) {
      throw new IllegalArgumentException(
          "application pattern '"
              + applications
              + "' must be *, a name, or a name prefix ending with *");
    }
    if (actions.isEmpty()) {
      throw new IllegalArgumentException("a grant to " + subject + " needs at least one action");
    }
    return new Grant(role, subject, applications, Set.copyOf(actions));
  }

  @Override
  public boolean allows(Principal principal, Action action, String application) {
    return grants.stream().anyMatch(grant -> grant.matches(principal, action, application));
  }
}
