package dev.gitops4j.spring.internal;

import dev.gitops4j.engine.Engine;
import dev.gitops4j.history.HistoryStore;
import dev.gitops4j.spring.GitOpsProperties;
import dev.gitops4j.spring.GitOpsProperties.Token;
import dev.gitops4j.web.Action;
import dev.gitops4j.web.Authenticator;
import dev.gitops4j.web.Authorizer;
import dev.gitops4j.web.Dashboard;
import dev.gitops4j.web.DashboardListener;
import dev.gitops4j.web.DashboardServlet;
import dev.gitops4j.web.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;

/** Builds the gitops-web dashboard from {@code gitops4j.dashboard.*}. */
public final class DashboardSupport {

  private DashboardSupport() {}

  /**
   * The dashboard over the engine. Without an {@link Authenticator} bean, principals are the
   * configured bearer tokens; without an {@link Authorizer} bean, each token's grant and the grants
   * to roles.
   */
  public static Dashboard dashboard(
      Engine engine,
      DashboardListener listener,
      HistoryStore history,
      GitOpsProperties.Dashboard properties,
      Environment environment,
      Authenticator authenticator,
      Authorizer authorizer) {
    Map<String, Principal> tokens = new LinkedHashMap<>();
    Authorizer.Rules rules = Authorizer.rules();
    List<Token> configured = properties.getTokens();
    for (int i = 0; i < configured.size(); i++) {
      Token token = configured.get(i);
      String prefix = "gitops4j.dashboard.tokens[" + i + "].";
      if (token.getName() == null || token.getName().isBlank()) {
        throw new InvalidConfigurationPropertyValueException(
            prefix + "name", token.getName(), "a principal name is required");
      }
      if (token.getTokenEnv() == null || token.getTokenEnv().isBlank()) {
        throw new InvalidConfigurationPropertyValueException(
            prefix + "token-env", null, "name the environment variable holding the token");
      }
      String value = environment.getProperty(token.getTokenEnv());
      if (value == null || value.length() < 16) {
        throw new InvalidConfigurationPropertyValueException(
            prefix + "token-env",
            token.getTokenEnv(),
            value == null
                ? "environment variable " + token.getTokenEnv() + " is not set"
                : "the token in " + token.getTokenEnv() + " is shorter than 16 characters");
      }
      if (tokens.containsKey(value)) {
        throw new InvalidConfigurationPropertyValueException(
            prefix + "token-env", token.getTokenEnv(), "the same token is given twice");
      }
      tokens.put(value, Principal.of(token.getName(), token.getRoles().toArray(String[]::new)));
      Action[] actions = actions(prefix + "actions", token.getActions());
      if (actions.length > 0) {
        try {
          rules.grant(token.getName(), token.getApplications(), actions);
        } catch (IllegalArgumentException e) {
          throw new InvalidConfigurationPropertyValueException(
              prefix + "applications", token.getApplications(), e.getMessage());
        }
      }
    }
    List<GitOpsProperties.Grant> grants = properties.getGrants();
    for (int i = 0; i < grants.size(); i++) {
      GitOpsProperties.Grant grant = grants.get(i);
      String prefix = "gitops4j.dashboard.grants[" + i + "].";
      if (grant.getRole() == null || grant.getRole().isBlank()) {
        throw new InvalidConfigurationPropertyValueException(
            prefix + "role",
            grant.getRole(),
            "a role is required (a token's role, or a Spring Security authority such as ROLE_OPS)");
      }
      Action[] actions = actions(prefix + "actions", grant.getActions());
      if (actions.length == 0) {
        throw new InvalidConfigurationPropertyValueException(
            prefix + "actions", null, "name at least one action");
      }
      try {
        rules.grantRole(grant.getRole().trim(), grant.getApplications(), actions);
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigurationPropertyValueException(
            prefix + "applications", grant.getApplications(), e.getMessage());
      }
    }
    String path = properties.getPath();
    if (path == null || !path.startsWith("/") || path.endsWith("/") || path.contains("*")) {
      throw new InvalidConfigurationPropertyValueException(
          "gitops4j.dashboard.path", path, "must start with / and not end with / (e.g. /gitops)");
    }
    Dashboard.Builder dashboard =
        Dashboard.builder(engine, listener)
            .history(history)
            .title(properties.getTitle())
            .authenticator(
                authenticator != null
                    ? authenticator
                    : tokens.isEmpty() ? Authenticator.none() : Authenticator.bearerTokens(tokens))
            .authorizer(authorizer != null ? authorizer : rules.build());
    if (!properties.isReadOnly()) {
      dashboard.enableActions();
    }
    if (properties.isAuthenticateReads()) {
      dashboard.authenticateReads();
    }
    return dashboard.build();
  }

  private static Action[] actions(String property, List<String> names) {
    if (names.isEmpty()) {
      return new Action[0];
    }
    Action[] actions = new Action[names.size()];
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      int index = i;
      actions[i] =
          Action.fromPathName(name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT))
              .orElseThrow(
                  () ->
                      new InvalidConfigurationPropertyValueException(
                          property + "[" + index + "]",
                          name,
                          "not an action: use sync, approve, suspend, resume, rollback or unpin"));
    }
    return java.util.EnumSet.copyOf(java.util.Arrays.asList(actions)).toArray(Action[]::new);
  }

  /** The servlet under {@code path/*}, async for the event stream. */
  public static ServletRegistrationBean<DashboardServlet> servlet(
      Dashboard dashboard, GitOpsProperties.Dashboard properties) {
    ServletRegistrationBean<DashboardServlet> servlet =
        new ServletRegistrationBean<>(new DashboardServlet(dashboard), properties.getPath() + "/*");
    servlet.setName("gitops4jDashboard");
    servlet.setAsyncSupported(true);
    return servlet;
  }

  /** Closes the dashboard, ending its event streams, before the engine stops. */
  public static final class Closer implements SmartLifecycle {
    private final Dashboard dashboard;
    private volatile boolean running;

    public Closer(Dashboard dashboard) {
      this.dashboard = dashboard;
    }

    @Override
    public void start() {
      running = true;
    }

    @Override
    public void stop() {
      running = false;
      dashboard.close();
    }

    @Override
    public boolean isRunning() {
      return running;
    }

    @Override
    public int getPhase() {
      return EngineLifecycle.PHASE + 1;
    }
  }
}
