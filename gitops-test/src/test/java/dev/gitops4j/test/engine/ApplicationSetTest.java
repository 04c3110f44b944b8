package dev.gitops4j.test.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.diff.StructuralDiffer;
import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.generate.ApplicationSet;
import dev.gitops4j.generate.ApplicationTemplate;
import dev.gitops4j.generate.Changes;
import dev.gitops4j.generate.DeletionPolicy;
import dev.gitops4j.generate.Generator;
import dev.gitops4j.generate.GeneratorException;
import dev.gitops4j.generate.Parameters;
import dev.gitops4j.generate.Rollout;
import dev.gitops4j.generate.RolloutStatus;
import dev.gitops4j.generate.RolloutStatus.StepState;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.HealthStatus;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.render.ManifestRenderer;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.state.StateStore;
import dev.gitops4j.test.DeterministicEngine;
import dev.gitops4j.test.InMemoryTarget;
import dev.gitops4j.test.ManualClock;
import dev.gitops4j.test.ManualScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Application sets: generated applications appear, change and go; rollouts go step by step. */
class ApplicationSetTest {

  private final ManualClock clock = ManualClock.create();
  private final ManualScheduler timers = new ManualScheduler(clock);
  private final InMemoryTarget cluster = InMemoryTarget.create();
  private final Map<String, HealthStatus> health = new ConcurrentHashMap<>();
  private final Map<String, InMemorySource> repos = new ConcurrentHashMap<>();
  private final AtomicReference<List<Parameters>> sets = new AtomicReference<>(List.of());
  private final Generator mutable = () -> sets.get();
  private final Engine engine = DeterministicEngine.builder(clock, timers).build();
  @TempDir Path dir;

  /** One target for every application; each object's health is what the test says. */
  private final Target target =
      Target.builder("memory")
          .renderer(ManifestRenderer.ofDefaults())
          .sessions(TargetSession.of(cluster, StructuralDiffer.ofDefaults(), cluster))
          .inventoryStore(cluster.inventoryStore())
          .healthCheck(
              live ->
                  Optional.of(
                      Health.of(
                          health.getOrDefault(live.id().name(), HealthStatus.HEALTHY),
                          "as the test says")))
          .build();

  /** web-ENV: one ConfigMap named after the application, from its own repository. */
  private final ApplicationTemplate template =
      p ->
          Application.builder("web-" + p.get("env"))
              .source(repo("web-" + p.get("env")))
              .target(target)
              .interval(Duration.ofHours(1))
              .build();

  private InMemorySource repo(String app) {
    return repos.computeIfAbsent(
        app,
        name -> {
          InMemorySource repo = InMemorySource.create(name, clock);
          repo.commit(configMap(name, "1"));
          return repo;
        });
  }

  private static Map<String, String> configMap(String name, String value) {
    return Map.of(
        name + ".yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
            + name
            + "\n  namespace: web\ndata:\n  value: \""
            + value
            + "\"\n");
  }

  private static ResourceId id(String app) {
    return ResourceId.of("ConfigMap", "web", app);
  }

  private void generate(String... envs) {
    sets.set(List.of(envs).stream().map(env -> Parameters.of("env", env)).toList());
  }

  private ApplicationSet set(DeletionPolicy policy, Rollout rollout) {
    return set(policy, rollout, StateStore.inMemory());
  }

  private ApplicationSet set(DeletionPolicy policy, Rollout rollout, StateStore members) {
    return set(engine, policy, rollout, members);
  }

  private ApplicationSet set(
      Engine into, DeletionPolicy policy, Rollout rollout, StateStore members) {
    return ApplicationSet.builder("web", into)
        .generator(mutable)
        .template(template)
        .deletionPolicy(policy)
        .rollout(rollout)
        .members(members)
        .build();
  }

  @AfterEach
  void close() {
    engine.close();
  }

  @Test
  void aPreviewChangesNothingAndAReconcileRegistersWhatItShowed() throws Exception {
    engine.start();
    generate("dev", "prod");
    ApplicationSet web = set(DeletionPolicy.ORPHAN, Rollout.allAtOnce());

    Changes preview = web.preview();
    assertThat(preview.created()).containsExactly("web-dev", "web-prod");
    assertThat(preview.generated().get("web-prod")).isEqualTo(Parameters.of("env", "prod"));
    assertThat(engine.applications()).isEmpty();
    assertThat(cluster.writes()).isZero();

    Changes done = web.reconcile();
    assertThat(done.created()).isEqualTo(preview.created());
    assertThat(engine.applications()).containsExactlyInAnyOrder("web-dev", "web-prod");
    assertThat(cluster.contains(id("web-dev"))).isTrue();
    assertThat(cluster.contains(id("web-prod"))).isTrue();

    Changes again = web.reconcile();
    assertThat(again.isEmpty()).isTrue();
    assertThat(again.unchanged()).containsExactly("web-dev", "web-prod");
  }

  @Test
  void orphanUnregistersAndKeepsTheObjects() throws Exception {
    engine.start();
    generate("dev", "prod");
    ApplicationSet web = set(DeletionPolicy.ORPHAN, Rollout.allAtOnce());
    web.reconcile();

    generate("dev");
    assertThat(web.preview().removed()).containsExactly("web-prod");
    assertThat(engine.applications()).contains("web-prod");
    Changes changes = web.reconcile();

    assertThat(changes.removed()).containsExactly("web-prod");
    assertThat(engine.applications()).containsExactly("web-dev");
    assertThat(cluster.contains(id("web-prod"))).isTrue();
  }

  @Test
  void pruneDeletesWhatTheApplicationOwnedThenUnregistersIt() throws Exception {
    engine.start();
    generate("dev", "prod");
    ApplicationSet web = set(DeletionPolicy.PRUNE, Rollout.allAtOnce());
    web.reconcile();
    // An object of the same kind that the application does not own stays.
    ResourceId foreign = ResourceId.of("ConfigMap", "web", "someone-elses");
    cluster.putForeign(
        foreign,
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
                    + "\"someone-elses\",\"namespace\":\"web\"}}"));

    generate("dev");
    web.reconcile();

    assertThat(cluster.contains(id("web-prod"))).isFalse();
    assertThat(cluster.contains(foreign)).isTrue();
    assertThat(cluster.contains(id("web-dev"))).isTrue();
    assertThat(web.deleting()).isEmpty();
    assertThat(engine.applications()).containsExactly("web-dev");
    assertThat(cluster.inventoryStore().load("web-prod").resources()).isEmpty();
  }

  @Test
  void aMemberRemovedWhileTheProcessWasDownIsStillPrunedAfterARestart() throws Exception {
    StateStore members = StateStore.inDirectory(dir);
    engine.start();
    generate("dev", "prod");
    ApplicationSet web = set(DeletionPolicy.PRUNE, Rollout.allAtOnce(), members);
    web.reconcile();
    assertThat(cluster.contains(id("web-prod"))).isTrue();
    engine.close();

    // The process restarts; meanwhile prod left the generator.
    generate("dev");
    try (Engine restarted = DeterministicEngine.builder(clock, timers).build()) {
      restarted.start();
      ApplicationSet again = set(restarted, DeletionPolicy.PRUNE, Rollout.allAtOnce(), members);
      assertThat(again.preview().removed()).containsExactly("web-prod");
      assertThat(cluster.contains(id("web-prod"))).as("a preview changes nothing").isTrue();

      Changes changes = again.reconcile();

      assertThat(changes.created()).containsExactly("web-dev");
      assertThat(changes.removed()).containsExactly("web-prod");
      assertThat(cluster.contains(id("web-prod"))).isFalse();
      assertThat(cluster.contains(id("web-dev"))).isTrue();
      assertThat(again.deleting()).isEmpty();
      assertThat(restarted.applications()).containsExactly("web-dev");
      assertThat(members.read("@application-set:web")).containsOnlyKeys("web-dev");
    }
  }

  @Test
  void anOrphanedMemberIsForgottenAfterARestartAndItsObjectsStay() throws Exception {
    StateStore members = StateStore.inDirectory(dir);
    engine.start();
    generate("dev", "prod");
    set(DeletionPolicy.ORPHAN, Rollout.allAtOnce(), members).reconcile();
    engine.close();

    generate("dev");
    try (Engine restarted = DeterministicEngine.builder(clock, timers).build()) {
      restarted.start();
      ApplicationSet again = set(restarted, DeletionPolicy.ORPHAN, Rollout.allAtOnce(), members);
      assertThat(again.reconcile().removed()).containsExactly("web-prod");
      assertThat(cluster.contains(id("web-prod"))).isTrue();
      assertThat(members.read("@application-set:web")).containsOnlyKeys("web-dev");
      assertThat(again.reconcile().isEmpty()).isTrue();
    }
  }

  @Test
  void aRecordedMemberTheTemplateCannotMakeAgainIsKeptAndNamedInTheLog() throws Exception {
    StateStore members = StateStore.inMemory();
    members.put("@application-set:web", "web-gone", "{\"cluster\":\"removed-from-registry\"}");
    engine.start();
    generate("dev");
    ApplicationSet web = set(DeletionPolicy.PRUNE, Rollout.allAtOnce(), members);

    Changes changes = web.reconcile();

    assertThat(changes.removed()).isEmpty();
    assertThat(changes.created()).containsExactly("web-dev");
    assertThat(members.read("@application-set:web")).containsOnlyKeys("web-dev", "web-gone");
  }

  @Test
  void anApplicationThatComesBackWhileItIsDeletedIsRegisteredAgain() throws Exception {
    engine.start();
    generate("dev", "prod");
    ApplicationSet web = set(DeletionPolicy.PRUNE, Rollout.allAtOnce());
    web.reconcile();
    cluster.failWhen(
        step -> step.action() == Step.Action.DELETE,
        new dev.gitops4j.model.TargetException("the API server is away", true));
    generate("dev");
    web.reconcile();
    assertThat(web.deleting()).containsExactly("web-prod");
    assertThat(cluster.contains(id("web-prod"))).isTrue();

    cluster.clearFailures();
    generate("dev", "prod");
    Changes back = web.reconcile();

    assertThat(back.created()).containsExactly("web-prod");
    assertThat(web.deleting()).isEmpty();
    assertThat(engine.trigger("web-prod").get(10, TimeUnit.SECONDS).status())
        .isIn(PassStatus.SYNCED, PassStatus.IN_SYNC);
    assertThat(cluster.contains(id("web-prod"))).isTrue();
    assertThat(engine.applications()).containsExactlyInAnyOrder("web-dev", "web-prod");
  }

  @Test
  void twoSetsMakingOneNameChangeNothing() {
    sets.set(List.of(Parameters.of("env", "dev", "n", "1"), Parameters.of("env", "dev", "n", "2")));
    ApplicationSet web = set(DeletionPolicy.ORPHAN, Rollout.allAtOnce());
    assertThatThrownBy(web::reconcile)
        .isInstanceOf(GeneratorException.class)
        .hasMessageContaining("both make application web-dev");
    assertThat(engine.applications()).isEmpty();
    assertThat(web.lastError()).contains("both make application web-dev");
  }

  @Test
  void aTemplateThatRefusesASetChangesNothing() {
    sets.set(List.of(Parameters.of("env", "dev"), Parameters.of("region", "eu")));
    ApplicationSet web = set(DeletionPolicy.ORPHAN, Rollout.allAtOnce());
    assertThatThrownBy(web::reconcile)
        .isInstanceOf(GeneratorException.class)
        .hasMessageContaining("the template refused {region=eu}: no parameter 'env'");
    assertThat(engine.applications()).isEmpty();
  }

  @Test
  void aNameTakenByAnApplicationTheSetDoesNotOwnIsRefused() throws Exception {
    engine.register(Application.builder("web-dev").source(repo("web-dev")).target(target).build());
    generate("dev", "prod");
    ApplicationSet web = set(DeletionPolicy.PRUNE, Rollout.allAtOnce());
    assertThatThrownBy(web::reconcile)
        .isInstanceOf(GeneratorException.class)
        .hasMessageContaining("web-dev already registered in the engine by someone else");
    assertThat(engine.applications()).containsExactly("web-dev");
  }

  @Test
  void aBadFileInTheRepositoryLeavesEveryApplicationAsItWas() throws Exception {
    InMemorySource envs = InMemorySource.create("envs", clock);
    envs.commit(Map.of("envs/dev.yaml", "env: dev\n", "envs/prod.yaml", "env: prod\n"));
    ApplicationSet web =
        ApplicationSet.builder("web", engine)
            .generator(Generator.gitFiles(envs, "envs/*.yaml"))
            .template(template)
            .deletionPolicy(DeletionPolicy.PRUNE)
            .build();
    engine.start();
    web.reconcile();
    assertThat(engine.applications()).containsExactlyInAnyOrder("web-dev", "web-prod");

    envs.commit(Map.of("envs/dev.yaml", "env: dev\n", "envs/prod.yaml", "env: [prod\n"));
    assertThatThrownBy(web::reconcile)
        .isInstanceOf(GeneratorException.class)
        .hasMessageContaining("envs/prod.yaml:");
    assertThat(engine.applications()).containsExactlyInAnyOrder("web-dev", "web-prod");
    assertThat(cluster.contains(id("web-prod"))).isTrue();
    assertThat(web.lastError()).contains("envs/prod.yaml:");

    envs.commit(Map.of("envs/dev.yaml", "env: dev\n"));
    assertThat(web.reconcile().removed()).containsExactly("web-prod");
    assertThat(cluster.contains(id("web-prod"))).isFalse();
    assertThat(web.lastError()).isEmpty();
  }

  @Test
  void changedParametersRegisterTheApplicationAgain() throws Exception {
    engine.start();
    sets.set(List.of(Parameters.of("env", "dev", "tier", "1")));
    ApplicationSet web = set(DeletionPolicy.ORPHAN, Rollout.allAtOnce());
    web.reconcile();
    sets.set(List.of(Parameters.of("env", "dev", "tier", "2")));
    Changes changes = web.reconcile();
    assertThat(changes.updated()).containsExactly("web-dev");
    assertThat(engine.applications()).containsExactly("web-dev");
  }

  @Test
  void aDegradedApplicationStopsTheLaterStepsAndTheStatusSaysWhy() throws Exception {
    engine.start();
    generate("a", "b", "c");
    health.put("web-b", HealthStatus.DEGRADED);
    ApplicationSet web = set(DeletionPolicy.ORPHAN, Rollout.steps(1));

    web.reconcile();

    assertThat(web.applications()).containsExactly("web-a", "web-b", "web-c");
    assertThat(cluster.contains(id("web-a"))).isTrue();
    assertThat(cluster.contains(id("web-b"))).isTrue();
    assertThat(cluster.contains(id("web-c"))).isFalse();
    var c = engine.lastResult("web-c").orElseThrow();
    assertThat(c.status()).isEqualTo(PassStatus.WAITING);
    assertThat(c.error()).startsWith("waits for web-b: it is DEGRADED");
    RolloutStatus status = web.rollout();
    assertThat(status.steps())
        .extracting(RolloutStatus.Step::state)
        .containsExactly(StepState.DONE, StepState.STOPPED, StepState.PENDING);
    assertThat(status.reason()).startsWith("web-b: DEGRADED");
    assertThat(status.done()).isFalse();

    // Fixed: the next pass of b finds it healthy and wakes c, which writes.
    health.put("web-b", HealthStatus.HEALTHY);
    engine.trigger("web-b").get(10, TimeUnit.SECONDS);
    assertThat(cluster.contains(id("web-c"))).isTrue();
    assertThat(web.rollout().done()).isTrue();
  }

  @Test
  void aNewRevisionIsWrittenOneStepAfterTheOther() throws Exception {
    engine.start();
    generate("a", "b", "c");
    ApplicationSet web = set(DeletionPolicy.ORPHAN, Rollout.steps(1));
    web.reconcile();
    assertThat(web.rollout().done()).isTrue();
    cluster.clearOperations();
    for (String app : List.of("web-a", "web-b", "web-c")) {
      repo(app).commit(configMap(app, "2"));
    }

    // c asks first: it waits for b, which it nudges; b waits for a, which it nudges; a writes and
    // wakes b, which writes and wakes c.
    var first = engine.trigger("web-c").get(10, TimeUnit.SECONDS);
    assertThat(first.status()).isEqualTo(PassStatus.WAITING);
    assertThat(first.error()).startsWith("waits for web-b: it has not synced its current revision");
    assertThat(first.writes()).isZero();

    assertThat(writtenApps()).containsExactly("web-a", "web-b", "web-c");
    assertThat(web.rollout().done()).isTrue();
  }

  private List<String> writtenApps() {
    return cluster.operations().stream()
        .filter(op -> op.isWrite() && op.action() == Step.Action.UPDATE)
        .map(op -> op.id().name())
        .toList();
  }

  @Test
  void aDeletionPolicyMustBeChosen() {
    assertThatThrownBy(
            () ->
                ApplicationSet.builder("web", engine).generator(mutable).template(template).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("deletionPolicy (PRUNE or ORPHAN)");
  }
}
