package dev.gitops4j.terraform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import dev.gitops4j.terraform.TerraformEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UiStreamTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  // Lines as OpenTofu 1.12.6 printed them.
  private static final String SYNTAX_ERROR =
      "{\"@level\":\"error\",\"@message\":\"Error: Invalid expression\",\"type\":\"diagnostic\","
          + "\"diagnostic\":{\"severity\":\"error\",\"summary\":\"Invalid expression\","
          + "\"detail\":\"Expected the start of an expression, but found an invalid expression"
          + " token.\",\"range\":{\"filename\":\"main.tf\",\"start\":{\"line\":3,\"column\":9,"
          + "\"byte\":54},\"end\":{\"line\":4,\"column\":1,\"byte\":55}},\"snippet\":{\"code\":"
          + "\"    a = SNIPPET-VALUE\"}}}";
  private static final String APPLY_ERRORED =
      "{\"@level\":\"info\",\"@message\":\"local_file.bad: Creation errored after 0s\","
          + "\"hook\":{\"resource\":{\"addr\":\"local_file.bad\",\"module\":\"\"},"
          + "\"action\":\"create\",\"elapsed_seconds\":0},\"type\":\"apply_errored\"}";
  private static final String LOCKED =
      "{\"@level\":\"error\",\"@message\":\"Error: Error acquiring the state lock\","
          + "\"diagnostic\":{\"severity\":\"error\",\"summary\":\"Error acquiring the state lock\","
          + "\"detail\":\"Error message: resource temporarily unavailable\"},\"type\":\"diagnostic\"}";

  private static JsonNode json(String line) throws Exception {
    return JSON.readTree(line);
  }

  @Test
  void diagnosticsNameFileLineAndColumnButNotSnippets() throws Exception {
    JsonNode diagnostic = json(SYNTAX_ERROR).path("diagnostic");
    assertThat(UiStream.describe(diagnostic))
        .startsWith("main.tf:3:9: Invalid expression: Expected the start")
        .doesNotContain("SNIPPET-VALUE");
    Problem problem = UiStream.problem(diagnostic);
    assertThat(problem.origin()).isEqualTo(new Origin("main.tf", 3, 9));
  }

  @Test
  void eventsReachTheListener() throws Exception {
    List<TerraformEvent> events = new ArrayList<>();
    UiStream.dispatch(json(APPLY_ERRORED), events::add);
    UiStream.dispatch(json(SYNTAX_ERROR), events::add);
    UiStream.dispatch(json("{\"type\":\"version\",\"@message\":\"OpenTofu 1.12.6\"}"), events::add);
    assertThat(events)
        .extracting(TerraformEvent::type, TerraformEvent::address, TerraformEvent::action)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                TerraformEvent.Type.APPLY_ERRORED, "local_file.bad", "create"),
            org.assertj.core.groups.Tuple.tuple(TerraformEvent.Type.DIAGNOSTIC, "", ""));
  }

  @Test
  void recognizesLockErrors() throws Exception {
    assertThat(UiStream.isLockError(UiStream.errors(List.of(json(LOCKED))), "")).isTrue();
    assertThat(UiStream.isLockError(UiStream.errors(List.of(json(SYNTAX_ERROR))), "")).isFalse();
  }
}
