package dev.gitops4j.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookRequestTest {

  @Test
  void headersAreCaseInsensitiveAndMerged() {
    Map<String, List<String>> headers = new HashMap<>();
    headers.put("x-github-event", List.of("push"));
    headers.put("Accept", List.of("a"));
    headers.put("ACCEPT", List.of("b"));
    WebhookRequest request = new WebhookRequest(headers, new byte[0]);

    assertThat(request.header("X-GitHub-Event")).contains("push");
    assertThat(request.headerValues("accept")).containsExactlyInAnyOrder("a", "b");
    assertThat(request.header("missing")).isEmpty();
  }

  @Test
  void isImmutableAndHidesHeaderValues() {
    byte[] body = {1, 2, 3};
    WebhookRequest request =
        new WebhookRequest(Map.of("X-Gitlab-Token", List.of("s3cr3t-token")), body);
    body[0] = 9;
    request.body()[1] = 9;

    assertThat(request.body()).containsExactly(1, 2, 3);
    assertThat(request)
        .isEqualTo(
            new WebhookRequest(
                Map.of("x-gitlab-token", List.of("s3cr3t-token")), new byte[] {1, 2, 3}));
    assertThat(request.toString()).contains("X-Gitlab-Token").doesNotContain("s3cr3t-token");
  }
}
