package dev.gitops4j.generate;

import dev.gitops4j.engine.Application;

/**
 * Makes the application of one parameter set. Called for every set on every evaluation, so it must
 * be cheap and must not change anything (no clients opened, no requests): hand out targets that
 * already exist, such as {@code KubernetesTarget.target(name)} of a registered cluster.
 *
 * <pre>{@code
 * ApplicationTemplate template = p -> Application.builder("web-" + p.get("cluster.name"))
 *     .source(GitSource.builder(url).path("web").build())
 *     .target(fleet.cluster(p.get("cluster.name")).target("web-" + p.get("cluster.name")))
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface ApplicationTemplate {

  /**
   * The application of {@code parameters}; its name must differ from every other set's.
   *
   * @throws RuntimeException for a parameter set the template cannot use; the evaluation then fails
   *     with the set named and nothing changes
   */
  Application create(Parameters parameters);
}
