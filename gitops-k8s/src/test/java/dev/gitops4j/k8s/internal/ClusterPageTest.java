package dev.gitops4j.k8s.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The tree reader of LIST pages in {@link Cluster}. */
class ClusterPageTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void pageItemsGetKindAndApiVersionFirstAndTheContinueToken() throws Exception {
    KindInfo kind = new KindInfo("apps", "v1", "Deployment", "deployments", true);
    String body =
        "{\"kind\":\"DeploymentList\",\"apiVersion\":\"apps/v1\","
            + "\"metadata\":{\"resourceVersion\":\"42\",\"continue\":\"abc\","
            + "\"remainingItemCount\":3},"
            + "\"items\":[{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"7\"},"
            + "\"spec\":{\"replicas\":2,\"ratio\":0.25,\"big\":12345678901}},"
            + "{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"b\"},\"status\":{}}],"
            + "\"extra\":[1,{\"x\":[2]}]}";
    Cluster.Page page = Cluster.parsePage(stream(body), kind);
    assertThat(page.continueToken()).isEqualTo("abc");
    assertThat(page.items()).hasSize(2);
    ObjectNode a = page.items().get(0);
    assertThat(iterable(a.fieldNames())).containsExactly("apiVersion", "kind", "metadata", "spec");
    assertThat(a)
        .isEqualTo(
            JSON.readTree(
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"a\","
                    + "\"resourceVersion\":\"7\"},\"spec\":{\"replicas\":2,\"ratio\":0.25,"
                    + "\"big\":12345678901}}"));
    assertThat(OwnershipMarks.resourceVersion(a)).isEqualTo("7");
    assertThat(page.items().get(1).path("kind").asText()).isEqualTo("Deployment");
    assertThat(page.items().get(1).path("apiVersion").asText()).isEqualTo("apps/v1");
  }

  @Test
  void lastPageHasNoContinueToken() throws Exception {
    KindInfo kind = new KindInfo("", "v1", "ConfigMap", "configmaps", true);
    Cluster.Page page =
        Cluster.parsePage(stream("{\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}"), kind);
    assertThat(page.items()).isEmpty();
    assertThat(page.continueToken()).isNull();
    assertThatThrownBy(() -> Cluster.parsePage(stream("[]"), kind)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> Cluster.parsePage(stream("{\"items\":[{"), kind))
        .isInstanceOf(IOException.class);
  }

  private static java.io.InputStream stream(String json) {
    return new java.io.ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
    return () -> it;
  }
}
