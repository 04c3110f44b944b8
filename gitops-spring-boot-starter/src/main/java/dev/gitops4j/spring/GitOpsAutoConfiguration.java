package dev.gitops4j.spring;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.Fence;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.Target;
import dev.gitops4j.history.HistoryStore;
import dev.gitops4j.history.InMemoryHistoryStore;
import dev.gitops4j.history.JsonLinesHistoryStore;
import dev.gitops4j.k8s.ha.LeaderElection;
import dev.gitops4j.metrics.MicrometerListener;
import dev.gitops4j.spring.internal.ApplicationsHealth;
import dev.gitops4j.spring.internal.DashboardSupport;
import dev.gitops4j.spring.internal.EngineAssembly;
import dev.gitops4j.spring.internal.EngineLifecycle;
import dev.gitops4j.spring.internal.GitOpsEndpoint;
import dev.gitops4j.spring.internal.KubernetesClusters;
import dev.gitops4j.state.StateStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.Map;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Builds, starts and closes the gitops4j {@link Engine} from {@link GitOpsProperties} and the beans
 * the application declares: {@link Application}s, {@link Target}s (referred to by bean name),
 * {@link ReconcileListener}s, a {@link HistoryStore}, a {@link StateStore} and a {@link Fence}.
 * Every bean it defines backs off when the application declares one of the same type.
 *
 * <p>With the actuator: a health contributor {@code gitops4j} with one indicator per application
 * and the {@code gitops4j} endpoint. With a {@link MeterRegistry}: the engine's meters. With
 * gitops-web in a servlet application: the dashboard under {@code gitops4j.dashboard.path}; and
 * when the application secures its requests with Spring Security (a {@code SecurityFilterChain}
 * bean), the dashboard's principals are Spring Security's.
 */
@AutoConfiguration(
    afterName = {
      // Boot 3 and Boot 4 names of the configuration that makes the MeterRegistry.
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      // Boot 3 and Boot 4 names of the configuration that makes the default SecurityFilterChain.
      "org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration",
      "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration"
    })
@ConditionalOnProperty(prefix = "gitops4j", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(GitOpsProperties.class)
public class GitOpsAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  HistoryStore gitops4jHistory(GitOpsProperties properties) {
    if (properties.getHistory().getFile() == null) {
      return new InMemoryHistoryStore();
    }
    try {
      return JsonLinesHistoryStore.open(properties.getHistory().getFile());
    } catch (IOException | RuntimeException e) {
      throw new InvalidConfigurationPropertyValueException(
          "gitops4j.history.file",
          properties.getHistory().getFile(),
          String.valueOf(e.getMessage()));
    }
  }

  @Bean
  @ConditionalOnMissingBean
  StateStore gitops4jState(GitOpsProperties properties) {
    if (properties.getState().getDirectory() == null) {
      return StateStore.inMemory();
    }
    try {
      return StateStore.inDirectory(properties.getState().getDirectory());
    } catch (RuntimeException e) {
      throw new InvalidConfigurationPropertyValueException(
          "gitops4j.state.directory", properties.getState().getDirectory(), e.getMessage());
    }
  }

  @Bean
  @ConditionalOnMissingBean
  KubernetesClusters gitops4jKubernetesClusters(GitOpsProperties properties, StateStore state) {
    return new KubernetesClusters(properties.getKubernetes(), state);
  }

  @Bean
  @ConditionalOnMissingBean
  Engine gitops4jEngine(
      GitOpsProperties properties,
      Environment environment,
      KubernetesClusters clusters,
      ListableBeanFactory beans,
      ObjectProvider<Application> applications,
      ObjectProvider<ReconcileListener> listeners,
      ObjectProvider<Fence> fence,
      HistoryStore history,
      StateStore state) {
    Engine.Builder engine = Engine.builder().history(history).state(state);
    Map<String, Target> targets = beans.getBeansOfType(Target.class);
    new EngineAssembly(environment, clusters, targets)
        .applications(properties)
        .forEach(engine::application);
    applications.orderedStream().forEach(engine::application);
    listeners.orderedStream().forEach(engine::listener);
    fence.ifAvailable(engine::fence);
    return engine.build();
  }

  @Bean
  @ConditionalOnMissingBean
  EngineLifecycle gitops4jLifecycle(Engine engine, ObjectProvider<Fence> fence) {
    return new EngineLifecycle(
        engine, fence.getIfAvailable() instanceof LeaderElection election ? election : null);
  }

  private static String leaseCluster(
      GitOpsProperties.LeaderElection election, KubernetesClusters clusters) {
    if (election.getCluster() != null) {
      return election.getCluster();
    }
    if (clusters.clusters().size() != 1) {
      throw new InvalidConfigurationPropertyValueException(
          "gitops4j.leader-election.cluster",
          null,
          "name the cluster holding the Lease, one of " + clusters.clusters().keySet());
    }
    return clusters.clusters().keySet().iterator().next();
  }

  /** A Lease in one of the configured clusters; the engine's fence. */
  @Bean
  @ConditionalOnMissingBean(Fence.class)
  @ConditionalOnProperty(prefix = "gitops4j.leader-election", name = "enabled")
  LeaderElection gitops4jLeaderElection(GitOpsProperties properties, KubernetesClusters clusters) {
    GitOpsProperties.LeaderElection election = properties.getLeaderElection();
    var client =
        clusters
            .client(leaseCluster(election, clusters))
            .orElseThrow(
                () ->
                    new InvalidConfigurationPropertyValueException(
                        "gitops4j.leader-election.cluster",
                        election.getCluster(),
                        "no such cluster under gitops4j.kubernetes"));
    try {
      LeaderElection.Builder builder =
          LeaderElection.builder(client, election.getNamespace(), election.getLeaseName())
              .leaseDuration(election.getLeaseDuration())
              .renewDeadline(election.getRenewDeadline())
              .retryPeriod(election.getRetryPeriod());
      if (election.getIdentity() != null) {
        builder.identity(election.getIdentity());
      }
      return builder.build();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new InvalidConfigurationPropertyValueException(
          "gitops4j.leader-election", null, String.valueOf(e.getMessage()));
    }
  }

  /** The engine's meters, when the application has a MeterRegistry. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
  static class Metrics {

    @Bean
    @ConditionalOnBean(MeterRegistry.class)
    @ConditionalOnMissingBean
    MicrometerListener gitops4jMetrics(MeterRegistry registry) {
      return new MicrometerListener(registry);
    }
  }

  /** Health per application, on Spring Boot 3's health API. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  static class Health {

    @Bean
    @ConditionalOnMissingBean(name = "gitops4jHealthContributor")
    ApplicationsHealth gitops4jHealthContributor(Engine engine) {
      return new ApplicationsHealth(engine);
    }
  }

  /** Health per application, on Spring Boot 4's health API. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class Boot4Health {

    @Bean
    @ConditionalOnMissingBean(name = "gitops4jHealthContributor")
    dev.gitops4j.spring.internal.Boot4ApplicationsHealth gitops4jHealthContributor(Engine engine) {
      return new dev.gitops4j.spring.internal.Boot4ApplicationsHealth(engine);
    }
  }

  /** The {@code gitops4j} actuator endpoint. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name =
          "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint")
  static class ActuatorEndpoint {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(endpoint = GitOpsEndpoint.class)
    GitOpsEndpoint gitops4jEndpoint(Engine engine, GitOpsProperties properties) {
      return new GitOpsEndpoint(engine, properties.getEndpoint().isSyncEnabled());
    }
  }

  /** The gitops-web dashboard in the application's servlet container. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"dev.gitops4j.web.Dashboard", "jakarta.servlet.Servlet"})
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnProperty(prefix = "gitops4j.dashboard", name = "enabled", matchIfMissing = true)
  static class WebDashboard {

    @Bean
    @ConditionalOnMissingBean
    dev.gitops4j.web.DashboardListener gitops4jDashboardListener() {
      return dev.gitops4j.web.DashboardListener.create();
    }

    @Bean
    @ConditionalOnMissingBean
    dev.gitops4j.web.Dashboard gitops4jDashboard(
        Engine engine,
        dev.gitops4j.web.DashboardListener listener,
        HistoryStore history,
        GitOpsProperties properties,
        Environment environment,
        ObjectProvider<dev.gitops4j.web.Authenticator> authenticator,
        ObjectProvider<dev.gitops4j.web.Authorizer> authorizer) {
      return DashboardSupport.dashboard(
          engine,
          listener,
          history,
          properties.getDashboard(),
          environment,
          authenticator.getIfAvailable(),
          authorizer.getIfAvailable());
    }

    /**
     * The principal Spring Security authenticated, with its authorities as roles, when the
     * application has a {@code SecurityFilterChain}.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(
        name = {
          "org.springframework.security.core.context.SecurityContextHolder",
          "org.springframework.security.web.SecurityFilterChain"
        })
    @ConditionalOnBean(type = "org.springframework.security.web.SecurityFilterChain")
    static class SpringSecurityPrincipals {

      @Bean
      @ConditionalOnMissingBean
      dev.gitops4j.web.Authenticator gitops4jSpringSecurityAuthenticator(
          GitOpsProperties properties) {
        if (!properties.getDashboard().getTokens().isEmpty()) {
          throw new InvalidConfigurationPropertyValueException(
              "gitops4j.dashboard.tokens",
              properties.getDashboard().getTokens().size() + " token(s)",
              "the dashboard takes its principals from Spring Security in this application:"
                  + " authenticate them there, or declare an Authenticator bean of your own");
        }
        return new dev.gitops4j.spring.internal.SpringSecurityAuthenticator();
      }
    }

    @Bean
    DashboardSupport.Closer gitops4jDashboardCloser(dev.gitops4j.web.Dashboard dashboard) {
      return new DashboardSupport.Closer(dashboard);
    }

    @Bean
    @ConditionalOnMissingBean(name = "gitops4jDashboardServlet")
    ServletRegistrationBean<dev.gitops4j.web.DashboardServlet> gitops4jDashboardServlet(
        dev.gitops4j.web.Dashboard dashboard, GitOpsProperties properties) {
      return DashboardSupport.servlet(dashboard, properties.getDashboard());
    }
  }
}
