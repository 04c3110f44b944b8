package dev.gitops4j.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The request checks of a measured run, and how the client names verbs. */
class CostTest {

  @Test
  void everyVerbIsNamedAsTheAuditLogNamesIt() {
    String cm = "/api/v1/namespaces/ns/configmaps";
    assertThat(RequestCounter.verb("GET", cm + "/a", null)).isEqualTo("get");
    assertThat(RequestCounter.verb("GET", cm, "limit=500")).isEqualTo("list");
    assertThat(RequestCounter.verb("GET", cm, "watch=true")).isEqualTo("watch");
    assertThat(RequestCounter.verb("POST", cm, null)).isEqualTo("create");
    assertThat(RequestCounter.verb("PUT", cm + "/a", null)).isEqualTo("update");
    assertThat(RequestCounter.verb("PATCH", cm + "/a", "fieldManager=x")).isEqualTo("patch");
    assertThat(RequestCounter.verb("PATCH", cm + "/a", "dryRun=All&force=true"))
        .isEqualTo("patch (dry run)");
    assertThat(RequestCounter.verb("DELETE", cm + "/a", null)).isEqualTo("delete");
    assertThat(RequestCounter.verb("DELETE", cm, "labelSelector=a")).isEqualTo("deletecollection");
    assertThat(RequestCounter.verb("DELETE", cm + "/a", "dryRun=All"))
        .isEqualTo("delete (dry run)");
    assertThat(RequestCounter.verb("GET", "/apis/apps/v1/namespaces/ns/deployments/d", null))
        .isEqualTo("get");
    assertThat(RequestCounter.verb("GET", "/apis/apps/v1/deployments", null)).isEqualTo("list");
    assertThat(RequestCounter.verb("GET", "/api/v1/namespaces/ns", null)).isEqualTo("get");
    assertThat(RequestCounter.verb("GET", "/api/v1/namespaces", null)).isEqualTo("list");
    assertThat(RequestCounter.verb("GET", "/version", null)).isEqualTo("get");
    assertThat(RequestCounter.verb("GET", "/api/v1", null)).isEqualTo("get");
    assertThat(RequestCounter.verb("GET", "/apis/apps/v1", null)).isEqualTo("get");
    assertThat(RequestCounter.verb("GET", "/apis", null)).isEqualTo("get");
  }

  @Test
  void aNoOpPassThatDeletesOrUpdatesFails() {
    assertThatCode(() -> Cost.requireOnly("pass", Map.of("get", 1L, "list", 10L), Cost.READS))
        .doesNotThrowAnyException();
    for (String write :
        new String[] {
          "delete",
          "update",
          "create",
          "patch",
          "deletecollection",
          "patch (dry run)",
          "delete (dry run)",
          "update (dry run)",
          "create (dry run)"
        }) {
      assertThatThrownBy(
              () -> Cost.requireOnly("no-op pass", Map.of("list", 10L, write, 1L), Cost.READS))
          .as(write)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no-op pass sent " + write + " 1,");
    }
    // A baseline may send its dry runs, not a real write.
    Set<String> flux = KubernetesFigures.FLUX_NOOP_VERBS;
    assertThatCode(() -> Cost.requireOnly("flux", Map.of("get", 5L, "patch (dry run)", 5L), flux))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () ->
                Cost.requireOnly(
                    "flux", Map.of("get", 5L, "patch (dry run)", 4L, "patch", 1L), flux))
        .hasMessageContaining("flux sent patch 1,");
  }

  @Test
  void clientAndAuditLogMustAgreeVerbByVerb() {
    assertThatCode(
            () ->
                Cost.requireAgreement(
                    "pass", Map.of("get", 1L, "list", 4L), Map.of("list", 4L, "get", 1L)))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () ->
                Cost.requireAgreement(
                    "pass", Map.of("get", 1L, "list", 4L), Map.of("get", 1L, "list", 5L)))
        .hasMessage(
            "pass: the client counted get 1, list 4 but the API server's audit log has get 1,"
                + " list 5");
    // A request the client did not count (another client with the same user agent).
    assertThatThrownBy(
            () ->
                Cost.requireAgreement("pass", Map.of("list", 4L), Map.of("list", 4L, "delete", 1L)))
        .isInstanceOf(IllegalStateException.class);
  }
}
