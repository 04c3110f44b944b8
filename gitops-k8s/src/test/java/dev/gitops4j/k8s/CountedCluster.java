package dev.gitops4j.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of integration tests that count every HTTP request their client sends to the shared test API
 * server (reads, writes, dry runs).
 */
abstract class CountedCluster {

  static TestCluster cluster;
  static TestCluster.RequestCounter counter = new TestCluster.RequestCounter();
  static KubernetesClient client;

  @BeforeAll
  static void startCountedClient() {
    cluster = TestCluster.get();
    client = cluster.client(counter);
  }

  @AfterAll
  static void stopCountedClient() {
    client.close();
  }
}
