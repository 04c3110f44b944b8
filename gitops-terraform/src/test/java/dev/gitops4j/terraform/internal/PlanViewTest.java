package dev.gitops4j.terraform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.ResourceId;
import org.junit.jupiter.api.Test;

class PlanViewTest {

  @Test
  void mapsAddressesToIdentities() {
    PlanView view = PlanView.parse(Fixtures.plan("plan-drift-replace-delete.json"));
    assertThat(view.changes())
        .extracting(PlanView.ResourceChange::id)
        .contains(
            ResourceId.of("local_file", "a"),
            ResourceId.of("null_resource", "n[0]"),
            ResourceId.of("null_resource", "n[1]"),
            ResourceId.of("local_file", "module.m", "b"));
    assertThat(view.change(ResourceId.of("null_resource", "n[0]")).action()).isEqualTo("replace");
    assertThat(view.change(ResourceId.of("null_resource", "n[0]")).replacePaths())
        .containsExactly("/triggers");
    assertThat(view.change(ResourceId.of("null_resource", "n[1]")).action()).isEqualTo("delete");
    assertThat(view.change(ResourceId.of("local_file", "a")).action()).isEqualTo("create");
    assertThat(view.change(ResourceId.of("random_password", "p")).action()).isEqualTo("no-op");
    assertThat(view.drift())
        .extracting(PlanView.ResourceChange::address)
        .containsExactly("local_file.a", "module.m.local_file.b");
    assertThat(view.hasChanges()).isTrue();
  }

  @Test
  void sensitiveValuesNeverSurviveParsing() {
    for (String name :
        new String[] {
          "plan-create.json", "plan-drift-replace-delete.json", "plan-refresh-only.json"
        }) {
      JsonNode raw = Fixtures.plan(name);
      assertThat(raw.toString()).contains(Fixtures.SECRET_VARIABLE);
      PlanView view = PlanView.parse(raw);
      String everything =
          view.toString()
              + view.changes().stream().map(c -> c.before() + " " + c.after()).toList()
              + view.drift().stream().map(c -> c.before() + " " + c.after()).toList()
              + view.outputs().stream().map(o -> o.before() + " " + o.after()).toList();
      assertThat(everything)
          .as(name)
          .doesNotContain(Fixtures.SECRET_VARIABLE)
          .doesNotContain(Fixtures.RANDOM_PASSWORD);
    }
  }

  @Test
  void sensitiveAttributesBecomeMarkersThatShowWhetherTheValueChanged() {
    PlanView view = PlanView.parse(Fixtures.plan("plan-drift-replace-delete.json"));
    PlanView.ResourceChange secretFile = view.change(ResourceId.of("local_sensitive_file", "s"));
    JsonNode before = secretFile.before().get("content");
    JsonNode after = secretFile.after().get("content");
    assertThat(before.asText()).startsWith("<sensitive:");
    assertThat(after).isEqualTo(before);
    PlanView.OutputChange password =
        view.outputs().stream().filter(o -> o.name().equals("pw")).findFirst().orElseThrow();
    assertThat(password.sensitive()).isTrue();
    assertThat(password.after().asText()).startsWith("<sensitive:");
  }

  @Test
  void unknownValuesAreMarked() {
    PlanView view = PlanView.parse(Fixtures.plan("plan-create.json"));
    assertThat(view.change(ResourceId.of("local_file", "a")).after().get("id").asText())
        .isEqualTo(SensitiveValues.UNKNOWN);
    assertThat(view.change(ResourceId.of("local_file", "a")).before().isNull()).isTrue();
  }

  @Test
  void digestIgnoresTheTimestampButFollowsTheContent() {
    JsonNode raw = Fixtures.plan("plan-drift-replace-delete.json");
    ObjectNode later = raw.deepCopy();
    later.put("timestamp", "2030-01-01T00:00:00Z");
    assertThat(PlanView.parse(later).digest()).isEqualTo(PlanView.parse(raw).digest());

    ObjectNode changed = raw.deepCopy();
    ((ObjectNode) changed.path("resource_changes").get(0).path("change").path("after"))
        .put("content", "other");
    assertThat(PlanView.parse(changed).digest()).isNotEqualTo(PlanView.parse(raw).digest());
  }

  @Test
  void aChangedSecretChangesTheDigestWithoutShowingIt() {
    JsonNode raw = Fixtures.plan("plan-drift-replace-delete.json");
    ObjectNode changed = raw.deepCopy();
    for (JsonNode change : changed.path("resource_changes")) {
      if (change.path("address").asText().equals("local_sensitive_file.s")) {
        ((ObjectNode) change.path("change").path("after")).put("content", "another-secret");
      }
    }
    PlanView view = PlanView.parse(changed);
    assertThat(view.digest()).isNotEqualTo(PlanView.parse(raw).digest());
    assertThat(view.toString()).doesNotContain("another-secret");
  }

  @Test
  void anUnchangedPlanIsReadFromTheUiStreamWithIdentitiesOnly() throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    java.util.List<JsonNode> messages = new java.util.ArrayList<>();
    for (String line :
        java.util.List.of(
            "{\"type\":\"version\",\"terraform\":\"1.12.6\"}",
            "{\"type\":\"refresh_complete\",\"hook\":{\"resource\":{\"addr\":\"local_file.f[3]\","
                + "\"module\":\"\",\"resource\":\"local_file.f[3]\",\"resource_type\":\"local_file\","
                + "\"resource_name\":\"f\",\"resource_key\":3},\"id_key\":\"id\",\"id_value\":\"16f8\"}}",
            "{\"type\":\"refresh_complete\",\"hook\":{\"resource\":{\"addr\":\"module.m.null_resource.n[\\\"a\\\"]\","
                + "\"module\":\"module.m\",\"resource\":\"null_resource.n[\\\"a\\\"]\","
                + "\"resource_type\":\"null_resource\",\"resource_name\":\"n\",\"resource_key\":\"a\"},"
                + "\"id_key\":\"id\",\"id_value\":\"77\"}}",
            "{\"type\":\"refresh_complete\",\"hook\":{\"resource\":{\"addr\":\"data.local_file.d\","
                + "\"module\":\"\",\"resource\":\"data.local_file.d\",\"resource_type\":\"local_file\","
                + "\"resource_name\":\"d\"},\"id_key\":\"id\",\"id_value\":\"9\"}}",
            "{\"type\":\"change_summary\",\"changes\":{\"add\":0,\"change\":0,\"remove\":0}}",
            "{\"type\":\"outputs\",\"outputs\":{\"first\":{\"sensitive\":false,\"action\":\"noop\"},"
                + "\"pw\":{\"sensitive\":true,\"action\":\"noop\"}}}")) {
      messages.add(json.readTree(line));
    }

    PlanView view = PlanView.unchanged(messages);

    assertThat(view.changes())
        .extracting(PlanView.ResourceChange::id)
        .containsExactly(
            ResourceId.of("local_file", "f[3]"),
            ResourceId.of("null_resource", "module.m", "n[\"a\"]"));
    assertThat(view.changes()).allMatch(c -> c.action().equals("no-op"));
    assertThat(view.changes().get(0).before().path("id").asText()).isEqualTo("16f8");
    assertThat(view.outputs())
        .extracting(PlanView.OutputChange::name)
        .containsExactly("first", "pw");
    assertThat(view.outputs().get(1).sensitive()).isTrue();
    assertThat(view.hasChanges()).isFalse();
    assertThat(view.drift()).isEmpty();
    // The digest follows the content: another resource id gives another digest.
    messages.set(1, json.readTree(messages.get(1).toString().replace("16f8", "16f9")));
    assertThat(PlanView.unchanged(messages).digest()).isNotEqualTo(view.digest());
  }
}
