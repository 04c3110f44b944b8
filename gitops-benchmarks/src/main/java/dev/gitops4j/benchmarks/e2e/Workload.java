package dev.gitops4j.benchmarks.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The objects of the end-to-end runs: 40 % ConfigMaps, 20 % Secrets, 20 % Deployments, 20 %
 * headless Services (no cluster IPs: the test API server has a /24 service range). No namespace in
 * the manifests: each run applies them into its own fresh namespace.
 */
final class Workload {

  private Workload() {}

  /** File name → manifest, one object per file. */
  static Map<String, String> manifests(int objects) {
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < objects; i++) {
      switch (i % 5) {
        case 0, 1 -> files.put("cm-" + i + ".yaml", configMap("cm-" + i, "v1"));
        case 2 -> files.put("secret-" + i + ".yaml", secret("secret-" + i));
        case 3 -> files.put("deploy-" + i + ".yaml", deployment("deploy-" + i));
        default -> files.put("svc-" + i + ".yaml", service("svc-" + i));
      }
    }
    return files;
  }

  static void write(Path dir, Map<String, String> files) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, String> file : files.entrySet()) {
      Files.writeString(dir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
    }
  }

  static String configMap(String name, String value) {
    StringBuilder yaml =
        new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ")
            .append(name)
            .append("\n  labels:\n    app: bench\n    tier: config\ndata:\n  value: \"")
            .append(value)
            .append("\"\n");
    for (int k = 0; k < 8; k++) {
      yaml.append("  key-").append(k).append(": \"setting number ").append(k).append("\"\n");
    }
    return yaml.toString();
  }

  static String secret(String name) {
    String password =
        Base64.getEncoder().encodeToString(("pw-" + name).getBytes(StandardCharsets.UTF_8));
    return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: "
        + name
        + "\n  labels:\n    app: bench\ntype: Opaque\ndata:\n  username: YWRtaW4=\n  password: "
        + password
        + "\n";
  }

  static String deployment(String name) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %1$s
          labels:
            app: %1$s
            tier: frontend
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: %1$s
          template:
            metadata:
              labels:
                app: %1$s
            spec:
              containers:
              - name: web
                image: registry.example.com/shop/%1$s:1.4.2
                ports:
                - name: http
                  containerPort: 8080
                env:
                - name: MODE
                  value: production
                - name: LOG_LEVEL
                  value: info
                resources:
                  requests:
                    cpu: 100m
                    memory: 128Mi
                  limits:
                    cpu: 500m
                    memory: 256Mi
                readinessProbe:
                  httpGet:
                    path: /healthz
                    port: 8080
                  periodSeconds: 10
        """
        .formatted(name);
  }

  static String service(String name) {
    return """
        apiVersion: v1
        kind: Service
        metadata:
          name: %1$s
          labels:
            app: %1$s
        spec:
          clusterIP: None
          selector:
            app: %1$s
          ports:
          - name: http
            port: 80
            targetPort: 8080
        """
        .formatted(name);
  }
}
