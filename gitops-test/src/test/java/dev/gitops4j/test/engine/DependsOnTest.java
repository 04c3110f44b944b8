package dev.gitops4j.test.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.diff.StructuralDiffer;
import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.HealthStatus;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.render.ManifestRenderer;
import dev.gitops4j.render.Renderer;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.DeterministicEngine;
import dev.gitops4j.test.InMemoryTarget;
import dev.gitops4j.test.ManualClock;
import dev.gitops4j.test.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** dependsOn: a dependent writes only after its dependency synced its current revision, healthy. */
class DependsOnTest {

  private static final ResourceId INGRESS = ResourceId.of("ConfigMap", "infra", "ingress");
  private static final ResourceId SHOP = ResourceId.of("ConfigMap", "shop", "web");

  private final ManualClock clock = ManualClock.create();
  private final InMemorySource infraRepo = InMemorySource.create("infra-config", clock);
  private final InMemorySource shopRepo = InMemorySource.create("shop-config", clock);
  private final InMemoryTarget infraTarget = InMemoryTarget.create();
  private final InMemoryTarget shopTarget = InMemoryTarget.create();
  private final AtomicReference<HealthStatus> infraHealth =
      new AtomicReference<>(HealthStatus.HEALTHY);
  private final List<PassResult> results = new CopyOnWriteArrayList<>();

  private Target infra() {
    return Target.builder("memory")
        .renderer(ManifestRenderer.ofDefaults())
        .sessions(TargetSession.of(infraTarget, StructuralDiffer.ofDefaults(), infraTarget))
        .inventoryStore(infraTarget.inventoryStore())
        .healthCheck(live -> Optional.of(Health.of(infraHealth.get(), "controller says so")))
        .build();
  }

  private Engine engine(Application... applications) {
    Engine.Builder builder =
        DeterministicEngine.builder(clock, new ManualScheduler(clock))
            .listener(
                new ReconcileListener() {
                  @Override
                  public void passFinished(PassResult result) {
                    results.add(result);
                  }
                });
    for (Application application : applications) {
      builder.application(application);
    }
    return builder.build();
  }

  private Application infraApp() {
    return Application.builder("infra")
        .source(infraRepo)
        .target(infra())
        .interval(Duration.ofHours(1))
        .build();
  }

  private Application shopApp(String... dependsOn) {
    return Application.builder("shop")
        .source(shopRepo)
        .target(shopTarget.target())
        .interval(Duration.ofHours(1))
        .dependsOn(dependsOn)
        .build();
  }

  private static Map<String, String> configMap(String namespace, String name, String value) {
    return Map.of(
        name + ".yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
            + name
            + "\n  namespace: "
            + namespace
            + "\ndata:\n  value: \""
            + value
            + "\"\n");
  }

  private PassResult last(String application) {
    for (int i = results.size() - 1; i >= 0; i--) {
      if (results.get(i).application().equals(application)) {
        return results.get(i);
      }
    }
    throw new AssertionError("no pass of " + application);
  }

  @Test
  void aDependentWaitsForItsDependencyThenGoesOnByItself() throws Exception {
    infraRepo.commit(configMap("infra", "ingress", "1"));
    shopRepo.commit(configMap("shop", "web", "1"));
    try (Engine engine = engine(infraApp(), shopApp("infra"))) {
      PassResult first = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(first.status()).isEqualTo(PassStatus.WAITING);
      assertThat(first.error()).isEqualTo("waits for infra: it has not run yet");
      // The dependency was asked for a pass, synced, and woke the dependent.
      assertThat(infraTarget.contains(INGRESS)).isTrue();
      assertThat(last("shop").status()).isEqualTo(PassStatus.SYNCED);
      assertThat(shopTarget.contains(SHOP)).isTrue();
      // The deterministic engine runs the requested pass of infra inline, inside shop's pass.
      assertThat(results.stream().map(r -> r.application() + ":" + r.status()))
          .containsExactly("infra:SYNCED", "shop:WAITING", "shop:SYNCED");
    }
  }

  @Test
  void anUnhealthyDependencyKeepsTheDependentFromWriting() throws Exception {
    infraRepo.commit(configMap("infra", "ingress", "1"));
    shopRepo.commit(configMap("shop", "web", "1"));
    infraHealth.set(HealthStatus.DEGRADED);
    try (Engine engine = engine(infraApp(), shopApp("infra"))) {
      assertThat(engine.trigger("infra").get(30, TimeUnit.SECONDS).status())
          .isEqualTo(PassStatus.SYNCED);
      PassResult waiting = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(waiting.status()).isEqualTo(PassStatus.WAITING);
      assertThat(waiting.error())
          .isEqualTo(
              "waits for infra: it is DEGRADED (ConfigMap infra/ingress: controller says so)");
      assertThat(shopTarget.writes()).isZero();
      assertThat(waiting.drift().isInSync()).as("drift is still reported").isFalse();

      infraHealth.set(HealthStatus.HEALTHY);
      engine.trigger("infra").get(30, TimeUnit.SECONDS);
      assertThat(last("shop").status()).isEqualTo(PassStatus.SYNCED);
    }
  }

  @Test
  void aDependencyHealthyAtItsPreviousRevisionIsNotEnough() throws Exception {
    infraRepo.commit(configMap("infra", "ingress", "1"));
    shopRepo.commit(configMap("shop", "web", "1"));
    try (Engine engine = engine(infraApp(), shopApp("infra"))) {
      engine.trigger("infra").get(30, TimeUnit.SECONDS);
      assertThat(last("shop").status()).as("woken by infra's writes").isEqualTo(PassStatus.SYNCED);

      // Both repositories move together; the dependent runs first.
      String infraV2 = infraRepo.commit(configMap("infra", "ingress", "2"));
      shopRepo.commit(configMap("shop", "web", "2"));
      PassResult waiting = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(waiting.status()).isEqualTo(PassStatus.WAITING);
      assertThat(waiting.error())
          .isEqualTo(
              "waits for infra: it has not synced its current revision "
                  + infraV2.substring(0, 12)
                  + " yet");
      assertThat(last("infra").revision()).isEqualTo(infraV2);
      assertThat(last("shop").status()).isEqualTo(PassStatus.SYNCED);
      assertThat(shopTarget.get(SHOP).orElseThrow().at("/data/value").asText()).isEqualTo("2");
    }
  }

  @Test
  void aDependencyThatWritesGivesEachDependentAPassAndOneInSyncDoesNot() throws Exception {
    infraRepo.commit(configMap("infra", "ingress", "1"));
    shopRepo.commit(configMap("shop", "web", "1"));
    try (Engine engine = engine(infraApp(), shopApp("infra"))) {
      engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(last("shop").status()).isEqualTo(PassStatus.SYNCED);
      results.clear();

      assertThat(engine.trigger("infra").get(30, TimeUnit.SECONDS).status())
          .isEqualTo(PassStatus.IN_SYNC);
      assertThat(results).extracting(PassResult::application).containsExactly("infra");

      // What the dependency writes may be what the dependent renders from: it runs again.
      infraRepo.commit(configMap("infra", "ingress", "2"));
      assertThat(engine.trigger("infra").get(30, TimeUnit.SECONDS).status())
          .isEqualTo(PassStatus.SYNCED);
      assertThat(results.stream().map(r -> r.application() + ":" + r.status()))
          .containsExactly("infra:IN_SYNC", "infra:SYNCED", "shop:IN_SYNC");
    }
  }

  @Test
  void aRevisionThatRendersOnlyFromWhatItsDependencyWroteWaitsInsteadOfFailing() throws Exception {
    infraRepo.commit(configMap("infra", "ingress", "1"));
    shopRepo.commit(configMap("shop", "web", "1"));
    // Stands for a renderer reading a dependency's product, as substitution of Terraform outputs.
    Renderer needsIngress =
        snapshot -> {
          if (!infraTarget.contains(INGRESS)) {
            throw new InvalidDesiredStateException(
                new Problem(Origin.of("web.yaml", 1), "variable ingress is not defined"));
          }
          return ManifestRenderer.ofDefaults().render(snapshot);
        };
    Application shop =
        Application.builder("shop")
            .source(shopRepo)
            .target(
                Target.builder("memory")
                    .renderer(needsIngress)
                    .sessions(
                        TargetSession.of(shopTarget, StructuralDiffer.ofDefaults(), shopTarget))
                    .inventoryStore(shopTarget.inventoryStore())
                    .build())
            .interval(Duration.ofHours(1))
            .dependsOn("infra")
            .build();
    try (Engine engine = engine(infraApp(), shop)) {
      PassResult first = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(first.status()).isEqualTo(PassStatus.WAITING);
      assertThat(first.error())
          .startsWith("waits for infra: it has not run yet; until then the revision does not")
          .contains("web.yaml:1: variable ingress is not defined");
      assertThat(last("shop").status()).isEqualTo(PassStatus.SYNCED);
      assertThat(shopTarget.contains(SHOP)).isTrue();
    }
    // Without a dependency to wait for, the same failure fails the pass.
    infraTarget.deleteOutOfBand(INGRESS);
    try (Engine engine =
        engine(
            Application.builder("alone")
                .source(shopRepo)
                .target(
                    Target.builder("memory")
                        .renderer(needsIngress)
                        .sessions(
                            TargetSession.of(shopTarget, StructuralDiffer.ofDefaults(), shopTarget))
                        .inventoryStore(shopTarget.inventoryStore())
                        .build())
                .interval(Duration.ofHours(1))
                .build())) {
      PassResult alone = engine.trigger("alone").get(30, TimeUnit.SECONDS);
      assertThat(alone.status()).isEqualTo(PassStatus.FAILED);
    }
  }

  @Test
  void aMissingDependencyIsNamed() throws Exception {
    shopRepo.commit(configMap("shop", "web", "1"));
    try (Engine engine = engine(shopApp("database"))) {
      PassResult result = engine.trigger("shop").get(30, TimeUnit.SECONDS);
      assertThat(result.status()).isEqualTo(PassStatus.WAITING);
      assertThat(result.error()).isEqualTo("waits for database, which is not registered");
    }
  }

  @Test
  void cyclesAreRefusedWhenTheyCloseAndSelfDependenceAtOnce() {
    Application a =
        Application.builder("a")
            .source(shopRepo)
            .target(shopTarget.target())
            .dependsOn("b")
            .build();
    Application b =
        Application.builder("b")
            .source(shopRepo)
            .target(shopTarget.target())
            .dependsOn("c")
            .build();
    Application c =
        Application.builder("c")
            .source(shopRepo)
            .target(shopTarget.target())
            .dependsOn("a")
            .build();
    try (Engine engine = engine(a, b)) {
      assertThatThrownBy(() -> engine.register(c))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("application c closes a dependency cycle: c -> a -> b -> c");
      assertThat(engine.applications()).containsExactly("a", "b");
    }
    assertThatThrownBy(
            () ->
                Application.builder("a")
                    .source(shopRepo)
                    .target(shopTarget.target())
                    .dependsOn("a")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("application a cannot depend on itself");
  }
}
