package dev.gitops4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.Target;
import dev.gitops4j.history.HistoryStore;
import dev.gitops4j.history.InMemoryHistoryStore;
import dev.gitops4j.history.JsonLinesHistoryStore;
import dev.gitops4j.metrics.MicrometerListener;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.spring.internal.ApplicationsHealth;
import dev.gitops4j.spring.internal.EngineLifecycle;
import dev.gitops4j.spring.internal.GitOpsEndpoint;
import dev.gitops4j.spring.internal.SpringSecurityAuthenticator;
import dev.gitops4j.state.StateStore;
import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.test.InMemoryTarget;
import dev.gitops4j.web.Authenticator;
import dev.gitops4j.web.Dashboard;
import dev.gitops4j.web.Principal;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.web.DefaultSecurityFilterChain;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;

/** Conditions, replaceable beans and configuration errors of {@link GitOpsAutoConfiguration}. */
class GitOpsAutoConfigurationTest {

  private static final String CONFIG_MAP =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n"
          + "data:\n  colour: teal\n";

  @TempDir Path dir;
  private GitRepoFixture repo;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(GitOpsAutoConfiguration.class))
          .withUserConfiguration(MemoryTarget.class);

  @BeforeEach
  void repository() {
    repo = GitRepoFixture.create(dir.resolve("repo"));
    repo.commit("settings", Map.of("deploy/settings.yaml", CONFIG_MAP));
  }

  @AfterEach
  void close() {
    repo.close();
  }

  private String[] shop(String... more) {
    String[] base = {
      "gitops4j.applications.shop.source.url=" + repo.uri(),
      "gitops4j.applications.shop.source.path=deploy",
      "gitops4j.applications.shop.target=memory",
      "gitops4j.applications.shop.interval=1h"
    };
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Configuration(proxyBeanMethods = false)
  static class MemoryTarget {
    @Bean
    InMemoryTarget memorySystem() {
      return InMemoryTarget.create();
    }

    @Bean
    Target memory(InMemoryTarget system) {
      return system.target();
    }
  }

  @Test
  void buildsAndStartsTheEngineFromPropertiesAndATargetBean() {
    runner
        .withPropertyValues(shop())
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(Engine.class);
              Engine engine = context.getBean(Engine.class);
              assertThat(engine.applications()).containsExactly("shop");
              assertThat(context.getBean(EngineLifecycle.class).isRunning()).isTrue();
              PassResult pass = engine.trigger("shop").get(60, TimeUnit.SECONDS);
              // The pass at start may have synced already.
              assertThat(pass.status())
                  .as(pass.error())
                  .isIn(PassStatus.SYNCED, PassStatus.IN_SYNC);
              assertThat(context.getBean(InMemoryTarget.class).ids())
                  .extracting(ResourceId::name)
                  .containsExactly("settings");
              // Health per application follows the pass.
              ApplicationsHealth health = context.getBean(ApplicationsHealth.class);
              var shop =
                  (org.springframework.boot.actuate.health.HealthIndicator)
                      health.getContributor("shop");
              assertThat(shop.health().getStatus()).isEqualTo(Status.UP);
              assertThat(shop.health().getDetails()).containsEntry("revision", repo.head());
              assertThat(health.getContributor("nope")).isNull();
            });
  }

  @Test
  void closesTheEngineWithTheContext() {
    Engine[] engine = new Engine[1];
    runner
        .withPropertyValues(shop())
        .run(
            context -> {
              engine[0] = context.getBean(Engine.class);
              assertThat(context.getBean(EngineLifecycle.class).isRunning()).isTrue();
            });
    // A closed engine refuses new passes.
    assertThat(engine[0].trigger("shop"))
        .failsWithin(10, TimeUnit.SECONDS)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withMessageContaining("engine is closed");
  }

  @Test
  void everyDefaultBeanBacksOffForTheApplicationsOwn() {
    HistoryStore history = new InMemoryHistoryStore();
    StateStore state = StateStore.inMemory();
    runner
        .withPropertyValues(shop())
        .withBean(HistoryStore.class, () -> history)
        .withBean(StateStore.class, () -> state)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(HistoryStore.class)).isSameAs(history);
              assertThat(context.getBean(StateStore.class)).isSameAs(state);
              context.getBean(Engine.class).trigger("shop").get(60, TimeUnit.SECONDS);
              // The engine writes to the store the application declared.
              assertThat(history.list("shop", 10)).isNotEmpty();
            });
    Engine own = Engine.builder().build();
    runner
        .withPropertyValues(shop())
        .withBean("myEngine", Engine.class, () -> own)
        .run(context -> assertThat(context.getBean(Engine.class)).isSameAs(own));
  }

  @Test
  void historyAndStateGoWhereThePropertiesSay() throws Exception {
    Path history = dir.resolve("history.jsonl");
    Path state = dir.resolve("state");
    runner
        .withPropertyValues(
            shop("gitops4j.history.file=" + history, "gitops4j.state.directory=" + state))
        .run(
            context -> {
              assertThat(context.getBean(HistoryStore.class))
                  .isInstanceOf(JsonLinesHistoryStore.class);
              context.getBean(Engine.class).trigger("shop").get(60, TimeUnit.SECONDS);
            });
    assertThat(Files.readString(history)).contains("\"application\":\"shop\"");
    assertThat(JsonLinesHistoryStore.verify(history).intact()).isTrue();
    assertThat(state).isDirectory();
  }

  @Test
  void offWhenDisabled() {
    runner
        .withPropertyValues(shop("gitops4j.enabled=false"))
        .run(context -> assertThat(context).doesNotHaveBean(Engine.class));
  }

  @Test
  void metersOnlyWithAMeterRegistry() {
    runner
        .withPropertyValues(shop())
        .run(context -> assertThat(context).doesNotHaveBean(MicrometerListener.class));
    runner
        .withPropertyValues(shop())
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(
            context -> {
              assertThat(context).hasSingleBean(MicrometerListener.class);
              context.getBean(Engine.class).trigger("shop").get(60, TimeUnit.SECONDS);
              assertThat(context.getBean(MeterRegistry.class).getMeters()).isNotEmpty();
            });
  }

  @Test
  void endpointOnlyWhenExposed() {
    runner
        .withPropertyValues(shop())
        .run(context -> assertThat(context).doesNotHaveBean(GitOpsEndpoint.class));
    runner
        .withPropertyValues(shop("management.endpoints.web.exposure.include=gitops4j"))
        .run(
            context -> {
              GitOpsEndpoint endpoint = context.getBean(GitOpsEndpoint.class);
              assertThat(endpoint.applications().get("applications"))
                  .extracting(a -> a.name())
                  .containsExactly("shop");
              // Writes are off unless enabled.
              assertThat(endpoint.sync("shop").getStatus()).isEqualTo(403);
            });
    runner
        .withPropertyValues(
            shop(
                "management.endpoints.web.exposure.include=gitops4j",
                "gitops4j.endpoint.sync-enabled=true"))
        .run(
            context -> {
              GitOpsEndpoint endpoint = context.getBean(GitOpsEndpoint.class);
              assertThat(endpoint.sync("shop").getStatus()).isEqualTo(200);
              assertThat(endpoint.sync("nope").getStatus()).isEqualTo(404);
            });
  }

  @Test
  void dashboardOnlyInAServletApplicationAndWhenEnabled() {
    runner
        .withPropertyValues(shop())
        .run(context -> assertThat(context).doesNotHaveBean(Dashboard.class));
    WebApplicationContextRunner web =
        new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(GitOpsAutoConfiguration.class))
            .withUserConfiguration(MemoryTarget.class)
            .withPropertyValues(shop());
    web.run(
        context -> {
          assertThat(context).hasSingleBean(Dashboard.class);
          ServletRegistrationBean<?> servlet = context.getBean(ServletRegistrationBean.class);
          assertThat(servlet.getUrlMappings()).containsExactly("/gitops/*");
        });
    web.withPropertyValues("gitops4j.dashboard.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(Dashboard.class));
    web.withPropertyValues(
            "gitops4j.dashboard.tokens[0].name=alice",
            "gitops4j.dashboard.tokens[0].token-env=ALICE_TOKEN",
            "ALICE_TOKEN=0123456789abcdef0123",
            "gitops4j.dashboard.tokens[0].actions=sync,fly")
        .run(
            context ->
                assertFailure(
                    context.getStartupFailure(),
                    "gitops4j.dashboard.tokens[0].actions[1]",
                    "not an action"));
    web.withPropertyValues(
            "gitops4j.dashboard.tokens[0].name=alice",
            "gitops4j.dashboard.tokens[0].token-env=ALICE_TOKEN")
        .run(
            context ->
                assertFailure(
                    context.getStartupFailure(),
                    "gitops4j.dashboard.tokens[0].token-env",
                    "ALICE_TOKEN is not set"));
  }

  @Test
  void springSecurityGivesTheDashboardItsPrincipalsOnlyWithAFilterChain() {
    WebApplicationContextRunner web =
        new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(GitOpsAutoConfiguration.class))
            .withUserConfiguration(MemoryTarget.class)
            .withPropertyValues(shop());
    // On the class path but not securing anything: the dashboard's own authenticator.
    web.run(
        context ->
            assertThat(context)
                .hasSingleBean(Dashboard.class)
                .doesNotHaveBean(SpringSecurityAuthenticator.class));
    WebApplicationContextRunner secured = web.withUserConfiguration(FilterChain.class);
    secured.run(
        context ->
            assertThat(context.getBean(Authenticator.class))
                .isInstanceOf(SpringSecurityAuthenticator.class));
    // Not on the class path: the starter does without it.
    web.withClassLoader(new FilteredClassLoader("org.springframework.security"))
        .run(
            context ->
                assertThat(context)
                    .hasSingleBean(Dashboard.class)
                    .doesNotHaveBean(Authenticator.class));
    // The application's own authenticator wins.
    secured
        .withBean(Authenticator.class, () -> request -> Optional.of(Principal.of("proxy-user")))
        .run(
            context ->
                assertThat(context.getBean(Authenticator.class))
                    .isNotInstanceOf(SpringSecurityAuthenticator.class));
    // Bearer tokens of the dashboard's own would be ignored: refused instead.
    secured
        .withPropertyValues(
            "gitops4j.dashboard.tokens[0].name=alice",
            "gitops4j.dashboard.tokens[0].token-env=ALICE_TOKEN",
            "ALICE_TOKEN=0123456789abcdef0123")
        .run(
            context ->
                assertFailure(
                    context.getStartupFailure(),
                    "gitops4j.dashboard.tokens",
                    "takes its principals from Spring Security"));
  }

  @Test
  void grantsToRolesAreCheckedAndAuthorise() {
    WebApplicationContextRunner web =
        new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(GitOpsAutoConfiguration.class))
            .withUserConfiguration(MemoryTarget.class)
            .withPropertyValues(shop());
    web.withPropertyValues(
            "gitops4j.dashboard.grants[0].applications=shop",
            "gitops4j.dashboard.grants[0].actions=sync")
        .run(
            context ->
                assertFailure(
                    context.getStartupFailure(),
                    "gitops4j.dashboard.grants[0].role",
                    "a role is required"));
    web.withPropertyValues("gitops4j.dashboard.grants[0].role=ROLE_OPS")
        .run(
            context ->
                assertFailure(
                    context.getStartupFailure(),
                    "gitops4j.dashboard.grants[0].actions",
                    "name at least one action"));
    web.withPropertyValues(
            "gitops4j.dashboard.grants[0].role=ROLE_OPS",
            "gitops4j.dashboard.grants[0].actions=sync,deploy")
        .run(
            context ->
                assertFailure(
                    context.getStartupFailure(),
                    "gitops4j.dashboard.grants[0].actions[1]",
                    "not an action"));
    web.withPropertyValues(
            "gitops4j.dashboard.grants[0].role=ROLE_OPS",
            "gitops4j.dashboard.grants[0].applications=shop/*",
            "gitops4j.dashboard.grants[0].actions=sync")
        .run(
            context ->
                assertFailure(
                    context.getStartupFailure(),
                    "gitops4j.dashboard.grants[0].applications",
                    "must be *, a name, or a name prefix"));
  }

  @Test
  void badConfigurationFailsTheStartNamingTheProperty() {
    failsWith(
        "gitops4j.applications.shop.interval",
        "Failed to convert",
        "gitops4j.applications.shop.interval=soon");
    failsWith(
        "gitops4j.applications.shop.policy",
        "Failed to convert",
        "gitops4j.applications.shop.policy=yolo");
    failsWith(
        "gitops4j.applications.shop.interval",
        "must be positive",
        "gitops4j.applications.shop.interval=0s");
    failsWith(
        "gitops4j.applications.shop.target",
        "no such target",
        "gitops4j.applications.shop.target=mars");
    failsWith(
        "gitops4j.applications.shop.source.ref",
        "unknown kind 'tga'",
        "gitops4j.applications.shop.source.ref=tga:v1");
    failsWith(
        "gitops4j.applications.shop.source.token-env",
        "GIT_TOKEN is not set",
        "gitops4j.applications.shop.source.token-env=GIT_TOKEN");
    failsWith(
        "gitops4j.kubernetes.prod.kubeconfig",
        "no such file",
        "gitops4j.kubernetes.prod.kubeconfig=" + dir.resolve("missing.yaml"));
    failsWith(
        "gitops4j.leader-election.cluster",
        "name the cluster holding the Lease",
        "gitops4j.leader-election.enabled=true");
    runner
        .withPropertyValues("gitops4j.applications.shop.target=memory")
        .run(
            context ->
                assertFailure(
                    context.getStartupFailure(),
                    "gitops4j.applications.shop.source.url",
                    "URL is required"));
  }

  @Test
  @ExtendWith(OutputCaptureExtension.class)
  void aStartedApplicationReportsThePropertyInItsFailureAnalysis(CapturedOutput output) {
    SpringApplicationBuilder app =
        new SpringApplicationBuilder(StartedApp.class)
            .properties(shop("gitops4j.applications.shop.source.ref=tga:v1"))
            .properties("spring.main.web-application-type=none");
    assertThatThrownBy(app::run).isNotNull();
    assertThat(output.getOut() + output.getErr())
        .contains("APPLICATION FAILED TO START")
        .contains("gitops4j.applications.shop.source.ref")
        .contains("unknown kind 'tga'");
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(MemoryTarget.class)
  static class StartedApp {}

  /** A filter chain of the application's, as a secured application declares one. */
  @Configuration(proxyBeanMethods = false)
  static class FilterChain {
    @Bean
    SecurityFilterChain securityFilterChain() {
      return new DefaultSecurityFilterChain(AnyRequestMatcher.INSTANCE);
    }
  }

  private void failsWith(String property, String reason, String... values) {
    runner
        .withPropertyValues(shop(values))
        .run(context -> assertFailure(context.getStartupFailure(), property, reason));
  }

  private static void assertFailure(Throwable failure, String property, String reason) {
    assertThat(failure).as("the start fails").isNotNull();
    StringBuilder messages = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      messages.append(t.getMessage()).append('\n');
    }
    assertThat(messages.toString()).contains(property).contains(reason);
  }
}
