package dev.gitops4j.k8s.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ComparisonTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void projectionKeepsOnlyDeclaredFields() throws Exception {
    JsonNode shape = JSON.readTree("{\"spec\":{\"a\":1,\"list\":[{\"n\":1}]}}");
    JsonNode live =
        JSON.readTree("{\"spec\":{\"a\":2,\"b\":3,\"list\":[{\"n\":1,\"d\":0}]},\"status\":{}}");
    assertThat(Comparison.project(shape, live))
        .isEqualTo(JSON.readTree("{\"spec\":{\"a\":2,\"list\":[{\"n\":1}]}}"));
  }
}
