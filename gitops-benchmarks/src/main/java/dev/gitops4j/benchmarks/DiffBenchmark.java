package dev.gitops4j.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.diff.StructuralDiffer;
import dev.gitops4j.model.Change;
import dev.gitops4j.model.ResourceId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pairs compared per second by the structural differ, on one thread, with the normalizer a
 * Kubernetes target uses (server-set fields stripped). {@code inSync} is the cost of a no-op pass;
 * {@code oneChange} the cost when a field drifted.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DiffBenchmark {

  @Param({"deployment-1", "deployment-4", "configmap-50", "crd-40"})
  public String object;

  private StructuralDiffer differ;
  private ResourceId id;
  private JsonNode desired;
  private JsonNode liveInSync;
  private JsonNode liveChanged;

  @Setup
  public void setUp() {
    differ = Fixtures.serverFieldsDiffer();
    String[] parts = object.split("-");
    int size = Integer.parseInt(parts[1]);
    ObjectNode body =
        switch (parts[0]) {
          case "deployment" -> Fixtures.deployment("web", size);
          case "configmap" -> Fixtures.configMap("settings", size);
          default -> Fixtures.crd("widgets", size);
        };
    id = ResourceId.of(body.get("kind").asText(), "shop", object);
    desired = body;
    liveInSync = Fixtures.asLive(body);
    ObjectNode changed = Fixtures.asLive(body);
    ((ObjectNode) changed.get("metadata")).put("name", "edited-by-hand");
    liveChanged = changed;
  }

  @Benchmark
  public List<Change> inSync() {
    return differ.changes(id, desired, liveInSync);
  }

  @Benchmark
  public List<Change> oneChange() {
    return differ.changes(id, desired, liveChanged);
  }
}
