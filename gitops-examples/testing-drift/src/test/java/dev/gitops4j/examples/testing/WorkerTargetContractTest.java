package dev.gitops4j.examples.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.Origin;
import dev.gitops4j.sync.InventoryStore;
import dev.gitops4j.test.TargetContractTest;
import java.nio.file.Files;

/**
 * The test kit's target contract, run against the team's target over a real registry directory:
 * creates are marked owned, observe returns only declared or inventoried workers, updates and
 * deletes are observed, versions are stable without writes, and dry runs persist nothing.
 */
class WorkerTargetContractTest extends TargetContractTest {

  @Override
  protected TargetUnderTest newTarget() throws Exception {
    WorkerTarget target =
        new WorkerTarget(new WorkerRegistry(Files.createTempDirectory("worker-registry")));
    return new TargetUnderTest(target.target(InventoryStore.inMemory()), "contract");
  }

  @Override
  protected DesiredResource sample(String name) {
    return new DesiredResource(
        Workers.id(name),
        Workers.manifest(name, "orders"),
        Origin.of(Workers.path(name), 1),
        "rev1");
  }

  @Override
  protected DesiredResource modified(DesiredResource resource) {
    ObjectNode body = resource.body().deepCopy();
    ((ObjectNode) body.get("spec")).put("queue", "orders-v2");
    return new DesiredResource(resource.id(), body, resource.origin(), "rev2");
  }
}
