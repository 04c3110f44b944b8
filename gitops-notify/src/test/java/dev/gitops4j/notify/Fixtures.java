package dev.gitops4j.notify;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.InMemoryTarget;
import java.time.Duration;
import java.time.Instant;

final class Fixtures {

  private Fixtures() {}

  static String configMap(String name, String value) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
        + name
        + "\n  namespace: shop\ndata:\n  value: \""
        + value
        + "\"\n";
  }

  static String secret(String name, String password) {
    return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: "
        + name
        + "\n  namespace: shop\nstringData:\n  password: \""
        + password
        + "\"\n";
  }

  static Engine engine(
      InMemorySource source, InMemoryTarget target, SyncPolicy policy, Notifications listener) {
    Application app =
        Application.builder("shop")
            .source(source)
            .target(target.target())
            .policy(policy)
            .interval(Duration.ofHours(1))
            .build();
    // Not started: no scheduled pass races the passes a test triggers.
    return Engine.builder().application(app).listener(listener).build();
  }

  static Notification notification(Event event, String application, String revision, String error) {
    return new Notification(
        event,
        application,
        Trigger.MANUAL,
        revision,
        "",
        "",
        null,
        null,
        error,
        false,
        null,
        "",
        "",
        Instant.parse("2026-01-01T00:00:00Z"));
  }
}
