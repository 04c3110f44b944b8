package dev.gitops4j.k8s.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The ownership labels, the applied-hash annotation and application names. */
class OwnershipMarksTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void hashIgnoresKeyOrderButNotValues() throws Exception {
    JsonNode a = JSON.readTree("{\"a\":1,\"b\":{\"c\":2,\"d\":3}}");
    JsonNode b = JSON.readTree("{\"b\":{\"d\":3,\"c\":2},\"a\":1}");
    JsonNode c = JSON.readTree("{\"b\":{\"d\":3,\"c\":4},\"a\":1}");
    assertThat(OwnershipMarks.hash(a)).isEqualTo(OwnershipMarks.hash(b)).hasSize(32);
    assertThat(OwnershipMarks.hash(a)).isNotEqualTo(OwnershipMarks.hash(c));
  }

  @Test
  void markedAddsOwnershipWithoutTouchingTheInput() throws Exception {
    JsonNode declared = JSON.readTree("{\"metadata\":{\"name\":\"x\"}}");
    JsonNode marked = OwnershipMarks.marked(declared, "shop", "h");
    assertThat(OwnershipMarks.ownedBy(marked, "shop")).isTrue();
    assertThat(OwnershipMarks.ownedBy(marked, "other")).isFalse();
    assertThat(OwnershipMarks.appliedHash(marked)).isEqualTo("h");
    assertThat(declared.path("metadata").has("labels")).isFalse();
  }

  @Test
  void applicationNamesMustBeLabelValues() {
    assertThat(OwnershipMarks.requireApplicationName("shop-prod_1.a")).isEqualTo("shop-prod_1.a");
    assertThatThrownBy(() -> OwnershipMarks.requireApplicationName("-shop"))
        .hasMessageContaining("label value");
    assertThatThrownBy(() -> OwnershipMarks.requireApplicationName("x".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
