/**
 * gitops4j Kubernetes target: server-side apply through a fabric8 client, inventory, prune,
 * ordering, health, watch-driven self-heal and leader election.
 *
 * <p>Only the API packages are exported; {@code *.internal} packages are implementation.
 */
module dev.gitops4j.k8s {
  requires transitive dev.gitops4j.core;
  requires transitive dev.gitops4j.sops;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires org.yaml.snakeyaml;
  requires java.net.http;
  requires transitive kubernetes.client.api;
  requires transitive kubernetes.model.core;
  requires kubernetes.model.common;
  requires kubernetes.model.coordination;
  requires kubernetes.model.apiextensions;
  // OperationSupport: failed raw requests become the exceptions the client itself throws.
  requires kubernetes.client;
  // The cluster registry builds each cluster's client on the JDK HTTP client, its requests bounded.
  requires kubernetes.httpclient.jdk;
  requires org.slf4j;

  exports dev.gitops4j.k8s;
  exports dev.gitops4j.k8s.ha;
  exports dev.gitops4j.k8s.health;
  exports dev.gitops4j.k8s.fleet;
}
