package dev.gitops4j.engine.internal;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.model.HealthStatus;
import dev.gitops4j.source.SourceException;
import java.io.IOException;

/**
 * Lets a pass write only when each application it depends on is synced at its <em>current</em>
 * revision and healthy. "Current" is what the dependency's source (or its pin) says now, not what
 * its last pass saw: two commits pushed together must not let the dependent go ahead on the
 * strength of the dependency's previous revision.
 */
final class DependencyGate {

  /** The other applications of the engine. */
  interface Peers {
    /** The runtime of {@code name}, or null when no such application is registered. */
    AppRuntime find(String name);

    /** Asks for a pass of {@code name} soon. */
    void nudge(String name);
  }

  private final DurableState state;

  DependencyGate(DurableState state) {
    this.state = state;
  }

  /** Why the pass must wait, or null when every dependency is ready. */
  String waitingFor(Application app, Peers peers) {
    for (String name : app.dependsOn()) {
      AppRuntime dependency = peers.find(name);
      if (dependency == null) {
        return "waits for " + name + ", which is not registered";
      }
      String reason = notReady(dependency);
      if (reason != null) {
        peers.nudge(name);
        return "waits for " + name + ": " + reason;
      }
    }
    return null;
  }

  private String notReady(AppRuntime dependency) {
    synchronized (dependency) {
      if (dependency.state != AppRuntime.State.IDLE) {
        return "its pass is " + dependency.state.name().toLowerCase(java.util.Locale.ROOT);
      }
    }
    PassResult last = dependency.lastResult;
    if (last == null) {
      return "it has not run yet";
    }
    if (last.status() != PassStatus.SYNCED && last.status() != PassStatus.IN_SYNC) {
      return "its last pass is " + last.status();
    }
    if (last.health().status() != HealthStatus.HEALTHY) {
      return "it is " + last.health().status() + healthDetail(last);
    }
    String current;
    try {
      current = currentRevision(dependency.app());
    } catch (SourceException | IOException | RuntimeException e) {
      return "cannot tell its current revision: " + e.getMessage();
    }
    if (!current.equals(last.revision())) {
      return "it has not synced its current revision " + shortRevision(current) + " yet";
    }
    return null;
  }

  private String currentRevision(Application dependency) throws SourceException, IOException {
    String pinned = state.read(dependency.name()).pinnedRevision();
    return pinned != null ? pinned : dependency.source().resolve();
  }

  private static String healthDetail(PassResult last) {
    String message = last.health().message();
    return message.isEmpty() ? "" : " (" + message + ")";
  }

  private static String shortRevision(String revision) {
    return revision.length() > 12 ? revision.substring(0, 12) : revision;
  }
}
