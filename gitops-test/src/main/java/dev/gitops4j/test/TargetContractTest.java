package dev.gitops4j.test;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.engine.PassContext;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.Wave;
import dev.gitops4j.sync.ApplyOptions;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every target must show to the engine. Extend it in your target's tests, supply a
 * fresh target and sample resources, and JUnit runs the contract against your real system.
 *
 * <p>Each read and each write runs in a session of its own, opened and closed as a pass would:
 * observe, diff, validate, apply.
 *
 * <pre>{@code
 * class MyTargetContractTest extends TargetContractTest {
 *   protected TargetUnderTest newTarget() { return new TargetUnderTest(myTarget, "contract"); }
 *   protected DesiredResource sample(String name) { ... }
 *   protected DesiredResource modified(DesiredResource r) { ... }
 * }
 * }</pre>
 */
public abstract class TargetContractTest {

  /**
   * The target under test and the application its sessions are opened for.
   *
   * @param target the target, as an engine would use it
   * @param application the application name passed to each session
   */
  public record TargetUnderTest(Target target, String application) {
    public TargetUnderTest {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(application, "application");
    }
  }

  private TargetUnderTest underTest;

  /** For subclasses, one per target under test. */
  protected TargetContractTest() {}

  /** A fresh, empty target (or one holding nothing named like the samples). */
  protected abstract TargetUnderTest newTarget() throws Exception;

  /** A valid resource named {@code name} that the target can create. */
  protected abstract DesiredResource sample(String name);

  /** A copy of {@code resource} with some declared field changed. */
  protected abstract DesiredResource modified(DesiredResource resource);

  @BeforeEach
  void setUpTarget() throws Exception {
    underTest = newTarget();
  }

  @Test
  void createdResourceIsObservedAndMarkedOwned() throws Exception {
    DesiredResource resource = sample("contract-a");
    apply(Step.Action.CREATE, resource, null, false);

    LiveResource live =
        observe(List.of(resource), Inventory.empty()).get(resource.id()).orElseThrow();
    assertThat(live.owned()).as("ownership marker after create").isTrue();
    assertContains(live.body(), resource.body(), "");
  }

  @Test
  void observeReturnsOnlyDeclaredOrInventoriedResources() throws Exception {
    DesiredResource declared = sample("contract-b");
    DesiredResource owned = sample("contract-c");
    DesiredResource other = sample("contract-d");
    for (DesiredResource resource : List.of(declared, owned, other)) {
      apply(Step.Action.CREATE, resource, null, false);
    }

    LiveState live = observe(List.of(declared), Inventory.of(List.of(owned.id())));
    assertThat(live.resources().keySet()).containsExactlyInAnyOrder(declared.id(), owned.id());
  }

  @Test
  void missingResourceIsAbsentFromLiveState() throws Exception {
    DesiredResource resource = sample("contract-e");
    LiveState live = observe(List.of(resource), Inventory.of(List.of(resource.id())));
    assertThat(live.get(resource.id())).isEmpty();
  }

  @Test
  void updateIsObserved() throws Exception {
    DesiredResource resource = sample("contract-f");
    apply(Step.Action.CREATE, resource, null, false);
    LiveResource before =
        observe(List.of(resource), Inventory.empty()).get(resource.id()).orElseThrow();

    DesiredResource changed = modified(resource);
    assertThat(changed.body()).as("modified() must change the body").isNotEqualTo(resource.body());
    apply(Step.Action.UPDATE, changed, before, false);

    LiveResource after =
        observe(List.of(changed), Inventory.empty()).get(changed.id()).orElseThrow();
    assertContains(after.body(), changed.body(), "");
    if (before.version() != null) {
      assertThat(after.version()).as("version token after update").isNotEqualTo(before.version());
    }
  }

  @Test
  void observingTwiceWithoutWritesGivesTheSameVersion() throws Exception {
    DesiredResource resource = sample("contract-g");
    apply(Step.Action.CREATE, resource, null, false);
    LiveResource first =
        observe(List.of(resource), Inventory.empty()).get(resource.id()).orElseThrow();
    LiveResource second =
        observe(List.of(resource), Inventory.empty()).get(resource.id()).orElseThrow();
    assertThat(second.version()).isEqualTo(first.version());
    assertThat(second.body()).isEqualTo(first.body());
  }

  @Test
  void deleteRemovesTheResource() throws Exception {
    DesiredResource resource = sample("contract-h");
    apply(Step.Action.CREATE, resource, null, false);
    LiveResource live =
        observe(List.of(resource), Inventory.empty()).get(resource.id()).orElseThrow();

    apply(Step.Action.DELETE, null, live, false);

    assertThat(observe(List.of(), Inventory.of(List.of(resource.id()))).get(resource.id()))
        .isEmpty();
  }

  @Test
  void dryRunPersistsNothing() throws Exception {
    DesiredResource resource = sample("contract-i");
    apply(Step.Action.CREATE, resource, null, true);
    assertThat(observe(List.of(resource), Inventory.empty()).get(resource.id()))
        .as("dry-run create must not persist")
        .isEmpty();
  }

  /** Writes one step in a session of its own, after observing and diffing as a pass does. */
  private void apply(Step.Action action, DesiredResource desired, LiveResource live, boolean dryRun)
      throws Exception {
    ResourceId id = desired != null ? desired.id() : live.id();
    DesiredState state = desiredState(desired != null ? List.of(desired) : List.of());
    Inventory inventory = desired != null ? Inventory.empty() : Inventory.of(List.of(id));
    ApplyOptions options = new ApplyOptions(dryRun, false);
    try (TargetSession session = open(state.revision(), inventory)) {
      LiveState observed = session.observe(state, inventory);
      session.diff(state, observed);
      Step step = new Step(action, id, desired, observed.get(id).orElse(live), List.of());
      session.validate(
          new Plan(state.revision(), List.of(new Wave(0, List.of(step))), List.of()), options);
      session.apply(step, options);
    }
  }

  private LiveState observe(List<DesiredResource> declared, Inventory inventory) throws Exception {
    DesiredState state = desiredState(declared);
    try (TargetSession session = open(state.revision(), inventory)) {
      return session.observe(state, inventory);
    }
  }

  private static DesiredState desiredState(List<DesiredResource> declared) {
    String revision = declared.isEmpty() ? "contract" : declared.get(0).revision();
    return DesiredState.of(revision, declared);
  }

  private TargetSession open(String revision, Inventory inventory) throws Exception {
    return underTest
        .target()
        .sessions()
        .open(new PassContext(underTest.application(), revision, inventory));
  }

  /** Every field declared in {@code expected} has the same value in {@code actual}. */
  private static void assertContains(JsonNode actual, JsonNode expected, String path) {
    if (expected.isObject()) {
      assertThat(actual.isObject()).as("object at %s", path.isEmpty() ? "/" : path).isTrue();
      Iterator<Map.Entry<String, JsonNode>> fields = expected.properties().iterator();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String child = path + "/" + field.getKey();
        assertThat(actual.has(field.getKey())).as("live has %s", child).isTrue();
        assertContains(actual.get(field.getKey()), field.getValue(), child);
      }
    } else {
      assertThat(actual).as("value at %s", path).isEqualTo(expected);
    }
  }
}
