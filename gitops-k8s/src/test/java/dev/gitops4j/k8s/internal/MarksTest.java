package dev.gitops4j.k8s.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The ownership labels, the applied-hash annotation and application names. */
class MarksTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void hashIgnoresKeyOrderButNotValues() throws Exception {
    JsonNode a = JSON.readTree("{\"a\":1,\"b\":{\"c\":2,\"d\":3}}");
    JsonNode b = JSON.readTree("{\"b\":{\"d\":3,\"c\":2},\"a\":1}");
    JsonNode c = JSON.readTree("{\"b\":{\"d\":3,\"c\":4},\"a\":1}");
    assertThat(Marks.hash(a)).isEqualTo(Marks.hash(b)).hasSize(32);
    assertThat(Marks.hash(a)).isNotEqualTo(Marks.hash(c));
  }

  @Test
  void markedAddsOwnershipWithoutTouchingTheInput() throws Exception {
    JsonNode declared = JSON.readTree("{\"metadata\":{\"name\":\"x\"}}");
    JsonNode marked = Marks.marked(declared, "shop", "h");
    assertThat(Marks.ownedBy(marked, "shop")).isTrue();
    assertThat(Marks.ownedBy(marked, "other")).isFalse();
    assertThat(Marks.appliedHash(marked)).isEqualTo("h");
    assertThat(declared.path("metadata").has("labels")).isFalse();
  }

  @Test
  void applicationNamesMustBeLabelValues() {
    assertThat(Marks.requireApplicationName("shop-prod_1.a")).isEqualTo("shop-prod_1.a");
    assertThatThrownBy(() -> Marks.requireApplicationName("-shop"))
        .hasMessageContaining("label value");
    assertThatThrownBy(() -> Marks.requireApplicationName("x".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
