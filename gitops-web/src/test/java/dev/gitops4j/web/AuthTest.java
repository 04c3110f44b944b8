package dev.gitops4j.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The built-in bearer tokens and rule set. */
class AuthTest {

  private static WebRequest withHeader(String authorization) {
    return new WebRequest(
        "GET",
        "",
        "/",
        "",
        authorization == null ? Map.of() : Map.of("Authorization", authorization),
        null,
        false);
  }

  @Test
  void bearerTokensFindTheirPrincipalAndNothingElse() {
    TokenAuthenticator tokens =
        Authenticator.bearerTokens(
            Map.of(
                "first-token-0123456789", Principal.of("alice", "ops"),
                "second-token-012345678", Principal.of("bob")));

    assertThat(tokens.authenticate(withHeader("Bearer first-token-0123456789")))
        .contains(Principal.of("alice", "ops"));
    assertThat(tokens.authenticate(withHeader("bearer second-token-012345678")))
        .contains(Principal.of("bob"));
    assertThat(tokens.authenticate(withHeader("Bearer first-token-012345678"))).isEmpty();
    assertThat(tokens.authenticate(withHeader("Bearer first-token-0123456789x"))).isEmpty();
    assertThat(tokens.authenticate(withHeader("Basic Zmlyc3QtdG9rZW4="))).isEmpty();
    assertThat(tokens.authenticate(withHeader(null))).isEmpty();
    assertThat(tokens.verify("")).isEmpty();
  }

  @Test
  void shortTokensAreRefusedAtConfiguration() {
    assertThatThrownBy(() -> Authenticator.bearerTokens(Map.of("short", Principal.of("eve"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the token of eve is too short: at least 16 characters");
  }

  @Test
  void rulesGrantByNameOrRoleForMatchingApplicationsOnly() {
    Authorizer rules =
        Authorizer.rules()
            .grantRole("ops", "*", Action.values())
            .grant("ci", "shop-*", Action.SYNC)
            .grant("carol", "billing", Action.APPROVE, Action.SYNC)
            .build();
    Principal ops = Principal.of("dave", "ops");
    Principal ci = Principal.of("ci");
    Principal carol = Principal.of("carol");

    assertThat(rules.allows(ops, Action.ROLLBACK, "anything")).isTrue();
    assertThat(rules.allows(ci, Action.SYNC, "shop-eu")).isTrue();
    assertThat(rules.allows(ci, Action.SYNC, "billing")).isFalse();
    assertThat(rules.allows(ci, Action.APPROVE, "shop-eu")).isFalse();
    assertThat(rules.allows(carol, Action.APPROVE, "billing")).isTrue();
    assertThat(rules.allows(carol, Action.APPROVE, "billing-eu")).isFalse();
    assertThat(rules.allows(Principal.of("ops"), Action.SYNC, "shop"))
        .as("a name is not a role")
        .isFalse();
    assertThat(Authorizer.rules().build().allows(ops, Action.SYNC, "shop")).isFalse();
  }

  @Test
  void badGrantsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> Authorizer.rules().grant("ci", "sh*op", Action.SYNC))
        .hasMessage(
            "application pattern 'sh*op' must be *, a name, or a name prefix ending with *");
    assertThatThrownBy(() -> Authorizer.rules().grant("ci", "shop"))
        .hasMessage("a grant to ci needs at least one action");
    assertThatThrownBy(() -> Authorizer.rules().grant(" ", "shop", Action.SYNC))
        .hasMessage("a grant needs a principal name or role");
  }
}
