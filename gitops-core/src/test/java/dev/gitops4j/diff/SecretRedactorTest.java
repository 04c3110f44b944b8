package dev.gitops4j.diff;

import static dev.gitops4j.diff.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.Change;
import dev.gitops4j.model.ResourceId;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretRedactorTest {

  private static final ResourceId SECRET = ResourceId.of("Secret", "shop", "db");
  private static final ResourceId CONFIG = ResourceId.of("ConfigMap", "shop", "db");
  private static final String MARKER = "<redacted:[0-9a-f]{12}>";

  private final SecretRedactor redactor = SecretRedactor.kubernetesSecrets();

  @Test
  void kubernetesSecretsHidesDataStringDataAndLastApplied() {
    JsonNode body =
        json(
            "{'metadata':{'name':'db','annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{\\\"data\\\":\\\"cGFzcw==\\\"}','team':'a'}},"
                + "'type':'Opaque','data':{'user':'dXNlcg==','pass':'cGFzcw=='},'stringData':{'token':'t0k3n'}}");
    JsonNode copy = body.deepCopy();

    JsonNode redacted = redactor.redact(SECRET, body);

    assertThat(body).isEqualTo(copy);
    assertThat(redacted.toString()).doesNotContain("dXNlcg==", "cGFzcw==", "t0k3n");
    assertThat(redacted.at("/data/user").asText()).matches(MARKER);
    assertThat(redacted.at("/stringData/token").asText()).matches(MARKER);
    assertThat(redacted.at("/metadata/annotations/team").asText()).isEqualTo("a");
    assertThat(redacted.at("/type").asText()).isEqualTo("Opaque");
    assertThat(redactor.redact(SECRET, redacted)).as("idempotent").isEqualTo(redacted);
  }

  @Test
  void markersShowWhetherAValueChangedAndNothingElse() {
    JsonNode one = redactor.redact(SECRET, json("{'data':{'a':'same','b':'same','c':'other'}}"));
    JsonNode two = redactor.redact(SECRET, json("{'data':{'a':'same','b':'changed','c':'other'}}"));
    assertThat(one.at("/data/a")).isEqualTo(two.at("/data/a"));
    assertThat(one.at("/data/b")).isNotEqualTo(two.at("/data/b"));
    assertThat(one.at("/data/a"))
        .as("equal values under other keys differ")
        .isNotEqualTo(one.at("/data/b"));
  }

  @Test
  void otherKindsAreUntouched() {
    JsonNode body = json("{'data':{'a':'visible'}}");
    assertThat(redactor.redact(CONFIG, body)).isSameAs(body);
    List<Change> changes = List.of(Change.add("/data/a", json("'visible'")));
    assertThat(redactor.redactChanges(CONFIG, changes)).isSameAs(changes);
  }

  @Test
  void redactChangesRedactsValuesByTheirPath() {
    List<Change> changes =
        List.of(
            Change.replace("/data/pass", json("'b2xk'"), json("'bmV3'")),
            Change.add("/stringData", json("{'token':'t0k3n'}")),
            Change.replace("/type", json("'Opaque'"), json("'tls'")),
            Change.remove("", json("{'data':{'x':'eA=='},'kind':'Secret'}")));

    List<Change> redacted = redactor.redactChanges(SECRET, changes);

    assertThat(redacted.toString()).doesNotContain("b2xk", "bmV3", "t0k3n", "eA==");
    assertThat(redacted.get(0).oldValue().asText()).matches(MARKER);
    assertThat(redacted.get(0).oldValue()).isNotEqualTo(redacted.get(0).newValue());
    assertThat(redacted.get(1).newValue().get("token").asText()).matches(MARKER);
    assertThat(redacted.get(2)).isEqualTo(changes.get(2));
    assertThat(redacted.get(3).oldValue().get("kind").asText()).isEqualTo("Secret");
    assertThat(redacted)
        .extracting(Change::path)
        .containsExactly("/data/pass", "/stringData", "/type", "");
  }

  @Test
  void customPathsApplyToEveryResourceAndHideWholeSubtrees() {
    SecretRedactor custom = SecretRedactor.paths("/spec/credentials", "/spec/env/*/value");
    JsonNode body =
        json(
            "{'spec':{'credentials':{'user':'u','key':'k3y'},'env':[{'name':'A','value':'hunter2'}]}}");
    JsonNode redacted = custom.redact(CONFIG, body);
    assertThat(redacted.at("/spec/credentials").asText()).matches(MARKER);
    assertThat(redacted.at("/spec/env/0/name").asText()).isEqualTo("A");
    assertThat(redacted.toString()).doesNotContain("k3y", "hunter2");
    List<Change> changes =
        custom.redactChanges(
            CONFIG, List.of(Change.replace("/spec/env/0/value", json("'hunter2'"), json("'x'"))));
    assertThat(changes.toString()).doesNotContain("hunter2");
  }

  @Test
  void chainingAndNone() {
    SecretRedactor both =
        SecretRedactor.kubernetesSecrets().andThen(SecretRedactor.paths("/spec/token"));
    JsonNode redacted = both.redact(SECRET, json("{'data':{'a':'x1'},'spec':{'token':'x2'}}"));
    assertThat(redacted.toString()).doesNotContain("x1", "x2");
    JsonNode body = json("{'data':{'a':'x'}}");
    assertThat(SecretRedactor.none().redact(SECRET, body)).isSameAs(body);
  }
}
