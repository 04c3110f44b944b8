package dev.gitops4j.vm;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.test.TargetContractTest;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterEach;

/**
 * The core target contract on the local transport. Samples are directories: a file's live body
 * carries its hash, not its content, so a file sample would not contain every declared field.
 */
class LocalContractTest extends TargetContractTest {

  private VmTarget vm;

  @Override
  protected TargetUnderTest newTarget() throws Exception {
    vm = VmTarget.local(Files.createTempDirectory("vm-contract"));
    return new TargetUnderTest(vm.target("localhost"), "contract");
  }

  @AfterEach
  void closeTarget() {
    vm.close();
  }

  @Override
  protected DesiredResource sample(String name) {
    ObjectNode body =
        JsonNodeFactory.instance.objectNode().put("type", "directory").put("mode", "0755");
    return new DesiredResource(
        ResourceId.of("directory", "localhost", "/data/" + name),
        body,
        Origin.of("contract.yaml", 1),
        "rev1");
  }

  @Override
  protected DesiredResource modified(DesiredResource resource) {
    ObjectNode body = resource.body().deepCopy();
    body.put("mode", "0700");
    return new DesiredResource(resource.id(), body, resource.origin(), "rev2");
  }
}
