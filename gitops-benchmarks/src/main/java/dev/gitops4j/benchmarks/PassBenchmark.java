package dev.gitops4j.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.diff.StructuralDiffer;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.plan.Ordering;
import dev.gitops4j.plan.PlanPolicy;
import dev.gitops4j.plan.Planner;
import java.util.ArrayList;
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
 * The pure part of one pass over N objects: diff the desired state against the live state and plan.
 * {@code noOp}: everything in sync (the steady state); {@code tenPercentDrift}: one object in ten
 * changed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PassBenchmark {

  @Param({"1000", "5000"})
  public int objects;

  private StructuralDiffer differ;
  private final Planner planner = new Planner(Ordering.none());
  private DesiredState desired;
  private LiveState inSync;
  private LiveState drifted;
  private Inventory inventory;

  @Setup
  public void setUp() {
    differ = Fixtures.serverFieldsDiffer();
    List<DesiredResource> declared = new ArrayList<>();
    List<LiveResource> same = new ArrayList<>();
    List<LiveResource> changed = new ArrayList<>();
    for (int i = 0; i < objects; i++) {
      ObjectNode body =
          i % 2 == 0 ? Fixtures.deployment("web-" + i, 1) : Fixtures.configMap("cm-" + i, 10);
      ResourceId id =
          ResourceId.of(body.get("kind").asText(), "shop", body.at("/metadata/name").asText());
      declared.add(new DesiredResource(id, body, Origin.of("app.yaml", i + 1), "rev"));
      ObjectNode live = Fixtures.asLive(body);
      same.add(new LiveResource(id, live, "1", true));
      ObjectNode edited = live.deepCopy();
      if (i % 10 == 0) {
        ((ObjectNode) edited.get("metadata")).putObject("labels").put("edited", "by-hand");
      }
      changed.add(new LiveResource(id, edited, "2", true));
    }
    desired = DesiredState.of("rev", declared);
    inSync = LiveState.of(same);
    drifted = LiveState.of(changed);
    inventory = Inventory.of(desired.resources().keySet());
  }

  @Benchmark
  public Plan noOp() throws Exception {
    DriftReport report = differ.diff(desired, inSync);
    return planner.plan(report, inventory, PlanPolicy.ofDefaults());
  }

  @Benchmark
  public Plan tenPercentDrift() throws Exception {
    DriftReport report = differ.diff(desired, drifted);
    return planner.plan(report, inventory, PlanPolicy.ofDefaults());
  }
}
