package dev.gitops4j.examples.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.model.DesiredState;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Validation and canonical bodies; references resolve against a fixed set of existing roles. */
class PostgresRendererTest {

  private final PostgresRenderer renderer =
      new PostgresRenderer(
          names ->
              names.stream()
                  .filter(Set.of("existing")::contains)
                  .collect(java.util.stream.Collectors.toSet()),
          Map.of("PW", "x")::get);

  @Test
  void bodiesAreCanonical() throws Exception {
    DesiredState state =
        render(
            "kind: Role\nname: b\nmemberOf: [z_role, existing]\nvalidUntil: 2030-01-31\n"
                + "---\nkind: Role\nname: z_role\n"
                + "---\nkind: Schema\nname: s\nowner: existing\n"
                + "grants:\n  - role: z_role\n    privileges: [create, USAGE]\n  - role: b\n"
                + "    privileges: [USAGE]\n");

    assertThat(state.get(Role.id("b")).orElseThrow().body().toString())
        .isEqualTo(
            "{\"kind\":\"Role\",\"name\":\"b\",\"login\":false,\"connectionLimit\":-1,"
                + "\"validUntil\":\"2030-01-31T00:00:00Z\",\"memberOf\":[\"existing\",\"z_role\"]}");
    assertThat(state.get(Schema.id("s")).orElseThrow().body().path("grants").toString())
        .isEqualTo(
            "[{\"role\":\"b\",\"privileges\":[\"USAGE\"]},"
                + "{\"role\":\"z_role\",\"privileges\":[\"CREATE\",\"USAGE\"]}]");
    // b is a member of z_role, so it is created after it.
    assertThat(renderer.roleDepth("b")).isGreaterThan(renderer.roleDepth("z_role"));
  }

  @Test
  void everyProblemIsReportedWithItsLine() {
    assertThatThrownBy(
            () ->
                render(
                    "kind: Role\nname: a\nlogn: true\nconnectionLimit: -5\n"
                        + "---\nkind: Role\nname: a\n"
                        + "---\nkind: Role\nname: c\nmemberOf: [d]\n"
                        + "---\nkind: Role\nname: d\nmemberOf: [c]\npassword: {fromEnv: MISSING}\n"
                        + "---\nkind: Table\nname: t\n"
                        + "---\nkind: Schema\nname: gitops4j\nowner: a\n"))
        .isInstanceOfSatisfying(
            InvalidDesiredStateException.class,
            e ->
                assertThat(e.problems().stream().map(Object::toString).toList())
                    .containsExactlyInAnyOrder(
                        "roles.yaml:3:1: unknown field 'logn' in Role (known: [connectionLimit,"
                            + " kind, login, memberOf, name, password, validUntil])",
                        "roles.yaml:4:1: connectionLimit must be an integer of at least -1",
                        "roles.yaml:6:1: duplicate Role a (first declared at roles.yaml:1:1)",
                        "roles.yaml:16:12: environment variable MISSING is not set",
                        "roles.yaml:18:1: unknown kind 'Table' (expected Role or Schema)",
                        "roles.yaml:22:1: invalid name: schema 'gitops4j' is reserved",
                        "roles.yaml:11:1: circular membership: c -> d -> c"));
  }

  private DesiredState render(String yaml) throws Exception {
    return renderer.render(new Snapshot("rev", null, List.of(SourceFile.of("roles.yaml", yaml))));
  }
}
