package dev.gitops4j.diff;

import static dev.gitops4j.diff.Json.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.ResourceId;
import org.junit.jupiter.api.Test;

/**
 * Guards the allocation of comparing Deployment-sized bodies: exact enough to catch a copy of the
 * tree per comparison. Throughput is measured by benchmarks, not asserted here.
 */
class DiffAllocationTest {

  private static final ResourceId ID = ResourceId.of("apps/Deployment", "shop", "web");

  static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        namespace: shop
        labels: {app: web, tier: frontend, team: payments, version: "2.4.1"}
        annotations:
          deployment.kubernetes.io/revision: "12"
          example.com/owner: payments
      spec:
        replicas: 3
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web, tier: frontend}
            annotations: {prometheus.io/scrape: "true", prometheus.io/port: "9090"}
          spec:
            serviceAccountName: web
            securityContext: {runAsNonRoot: true, fsGroup: 2000}
            containers:
              - name: web
                image: registry.example.com/web:2.4.1
                args: [--port=8080, --metrics=9090, --log-format=json]
                ports:
                  - {name: http, containerPort: 8080, protocol: TCP}
                  - {name: metrics, containerPort: 9090, protocol: TCP}
                env:
                  - {name: DB_HOST, value: db.shop.svc}
                  - {name: DB_PORT, value: "5432"}
                  - {name: CACHE_TTL, value: "300"}
                  - {name: REGION, value: eu-west-1}
                  - name: DB_PASSWORD
                    valueFrom:
                      secretKeyRef: {name: db, key: password}
                resources:
                  requests: {cpu: 250m, memory: 256Mi}
                  limits: {cpu: "1", memory: 512Mi}
                readinessProbe:
                  httpGet: {path: /ready, port: 8080}
                  periodSeconds: 5
                livenessProbe:
                  httpGet: {path: /live, port: 8080}
                  initialDelaySeconds: 10
                volumeMounts:
                  - {name: config, mountPath: /etc/web}
                  - {name: tmp, mountPath: /tmp}
              - name: proxy
                image: envoyproxy/envoy:v1.30.1
                ports:
                  - {name: proxy, containerPort: 10000}
                resources:
                  requests: {cpu: 100m, memory: 64Mi}
            volumes:
              - name: config
                configMap: {name: web-config}
              - name: tmp
                emptyDir: {}
      """;

  /**
   * Bytes allocated so far by this thread. Reached reflectively: the main module does not read the
   * management modules, and tests compile against it.
   */
  private static long allocatedBytes() {
    try {
      Object bean =
          Class.forName("java.lang.management.ManagementFactory")
              .getMethod("getThreadMXBean")
              .invoke(null);
      return (long)
          Class.forName("com.sun.management.ThreadMXBean")
              .getMethod("getCurrentThreadAllocatedBytes")
              .invoke(bean);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("thread allocation counter unavailable", e);
    }
  }

  @Test
  void equalTreesCompareWithoutCopying() {
    JsonNode desired = yaml(DEPLOYMENT);
    JsonNode live = desired.deepCopy();
    StructuralDiffer differ = StructuralDiffer.ofDefaults();
    for (int i = 0; i < 50_000; i++) {
      assertThat(differ.changes(ID, desired, live)).isEmpty();
    }
    int rounds = 20_000;
    long before = allocatedBytes();
    int changes = 0;
    for (int i = 0; i < rounds; i++) {
      changes += differ.changes(ID, desired, live).size();
    }
    long perCompare = (allocatedBytes() - before) / rounds;
    assertThat(changes).isZero();
    // One walk state (about 250 bytes); a copy of the tree would be tens of kilobytes.
    assertThat(perCompare).as("bytes allocated per equal comparison").isLessThan(512);
  }
}
