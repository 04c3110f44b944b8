package dev.gitops4j.k8s;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.engine.Target;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.test.TargetContractTest;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract every target must meet, run against the real API server. */
class KubernetesContractIT extends TargetContractTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger ROUND = new AtomicInteger();
  private static KubernetesClient client;
  private String namespace;

  @BeforeAll
  static void start() {
    client = TestCluster.get().client();
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  @Override
  protected TargetUnderTest newTarget() {
    namespace = "contract-" + ROUND.incrementAndGet();
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .serverSideApply();
    Target target = KubernetesTarget.builder(client).build().target("contract");
    return new TargetUnderTest(target, "contract");
  }

  @Override
  protected DesiredResource sample(String name) {
    ObjectNode body = JSON.createObjectNode();
    body.put("apiVersion", "v1").put("kind", "ConfigMap");
    body.withObjectProperty("metadata").put("name", name).put("namespace", namespace);
    body.withObjectProperty("data").put("color", "blue");
    return new DesiredResource(
        ResourceId.of("ConfigMap", namespace, name), body, Origin.of(name + ".yaml", 1), "r1");
  }

  @Override
  protected DesiredResource modified(DesiredResource resource) {
    ObjectNode body = resource.body().deepCopy();
    body.withObjectProperty("data").put("color", "red");
    return new DesiredResource(resource.id(), body, resource.origin(), "r2");
  }
}
