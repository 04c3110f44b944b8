package dev.gitops4j.test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.ResourceId;

class InMemoryTargetContractTest extends TargetContractTest {

  @Override
  protected TargetUnderTest newTarget() {
    InMemoryTarget target = InMemoryTarget.create();
    return new TargetUnderTest(target.target(), "contract");
  }

  @Override
  protected DesiredResource sample(String name) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("kind", "ConfigMap");
    body.putObject("data").put("color", "blue");
    return new DesiredResource(
        ResourceId.of("ConfigMap", "default", name), body, Origin.of("cm.yaml", 1), "r1");
  }

  @Override
  protected DesiredResource modified(DesiredResource resource) {
    ObjectNode body = resource.body().deepCopy();
    body.withObjectProperty("data").put("color", "green");
    return new DesiredResource(resource.id(), body, resource.origin(), "r2");
  }
}
