package dev.gitops4j.terraform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gitops4j.terraform.TerraformOutput;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputsTest {

  @Test
  void aPlanOfAnExistingStateYieldsItsOutputsWithoutTheSensitiveValue() {
    Outputs outputs = new Outputs();
    assertThat(outputs.known()).as("a new process knows no outputs").isFalse();
    outputs.readState(Fixtures.plan("plan-drift-replace-delete.json"));
    assertThat(outputs.known()).isTrue();

    Map<String, TerraformOutput> read = outputs.get();
    assertThat(read.get("file").value().asText()).isEqualTo("./out/a.txt");
    assertThat(read.get("file").sensitive()).isFalse();
    assertThat(read.get("pw").sensitive()).isTrue();
    assertThat(read.get("pw").value().asText())
        .startsWith("<sensitive:")
        .doesNotContain(Fixtures.RANDOM_PASSWORD);
    assertThat(read.toString()).doesNotContain(Fixtures.RANDOM_PASSWORD);
  }

  @Test
  void thePlanAndTheApplyOfTheSameSensitiveOutputGiveTheSameMarker() throws Exception {
    Outputs fromPlan = new Outputs();
    fromPlan.readState(Fixtures.plan("plan-drift-replace-delete.json"));
    Outputs fromApply = new Outputs();
    JsonNode message =
        new ObjectMapper()
            .readTree(
                "{\"type\":\"outputs\",\"outputs\":{"
                    + "\"file\":{\"sensitive\":false,\"type\":\"string\",\"value\":\"./out/a.txt\"},"
                    + "\"pw\":{\"sensitive\":true,\"type\":\"string\"}}}");
    fromApply.read(List.of(message));

    assertThat(fromApply.get()).isEqualTo(fromPlan.get());
  }

  @Test
  void aFirstPlanWithoutStateKeepsWhatWasKnownAndAnApplyReplacesIt() throws Exception {
    Outputs outputs = new Outputs();
    outputs.readState(Fixtures.plan("plan-create.json"));
    assertThat(outputs.get()).containsOnlyKeys("file");

    outputs.readState(new ObjectMapper().readTree("{\"format_version\":\"1.2\"}"));
    assertThat(outputs.get()).as("no prior state: nothing new learnt").containsOnlyKeys("file");

    outputs.read(List.of(new ObjectMapper().readTree("{\"type\":\"outputs\",\"outputs\":{}}")));
    assertThat(outputs.get()).isEmpty();
  }
}
