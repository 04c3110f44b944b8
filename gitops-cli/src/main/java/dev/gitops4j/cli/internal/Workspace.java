package dev.gitops4j.cli.internal;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.history.HistoryStore;
import dev.gitops4j.source.GitSource;
import dev.gitops4j.state.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * The applications of one command run, opened: sources, targets and an engine over them. Closing it
 * closes the engine and every client the targets opened.
 *
 * <p>An application on a single target is one engine application of the same name. An application
 * over a fleet of hosts is one engine application per host of its inventory, named {@code
 * <application>.<host>}, so one unreachable host fails alone.
 */
final class Workspace implements AutoCloseable {

  /**
   * One engine application.
   *
   * @param spec the application it comes from
   * @param name engine application name ({@code spec.name()}, or {@code <spec>.<host>})
   * @param host host name for fleets, else empty
   * @param endpoint where the host is reached ({@code user@address:port}), else empty
   * @param pinned revision a rollback pinned the application to, or null
   * @param fleet the fleet the host belongs to, or null
   * @param credentials the Git credentials used, described without secrets
   */
  record Unit(
      AppSpec spec,
      String name,
      String host,
      String endpoint,
      String pinned,
      TargetType.Fleet fleet,
      String credentials) {

    /** The name as printed: with the host and where it is reached, for fleets. */
    String label() {
      return host.isEmpty() ? name : name + " (host " + host + ", " + endpoint + ")";
    }

    String explain(String error) {
      if (error == null) {
        return "";
      }
      String why = fleet == null ? "" : fleet.explain(error);
      // Source failures about credentials say which ones were sent.
      if (error.startsWith("cannot resolve ") || error.startsWith("cannot read revision ")) {
        String lower = error.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("not authorized")
            || lower.contains("host key")
            || lower.contains("auth")) {
          why += " (Git credentials: " + credentials + ")";
        }
      }
      return why;
    }
  }

  private final List<Unit> units = new ArrayList<>();
  private final Map<String, Target> targets = new LinkedHashMap<>();
  private final Map<String, TargetType> types = new LinkedHashMap<>();
  private final Duration timeout;
  private Engine engine;

  private Workspace(Duration timeout) {
    this.timeout = timeout;
  }

  /**
   * Opens the applications.
   *
   * @param policy turns each application's policy into the one this command runs with
   * @param pins revisions applications are pinned to by rollback, by application name
   */
  static Workspace open(
      List<AppSpec> specs,
      Path stateDir,
      Map<String, String> env,
      UnaryOperator<SyncPolicy> policy,
      HistoryStore history,
      List<ReconcileListener> listeners,
      Duration timeout,
      Map<String, String> pins) {
    Workspace ws = new Workspace(timeout);
    // Tools the targets run (tofu) work in their own directories: hand them absolute paths.
    stateDir = stateDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(stateDir);
      // Every secret is read before any target is opened: a missing one changes nothing.
      Map<String, GitSource> sources = new LinkedHashMap<>();
      for (AppSpec spec : specs) {
        sources.put(spec.name(), AppSources.open(spec, stateDir, env));
      }
      Engine.Builder engine =
          Engine.builder()
              .passTimeout(timeout)
              .state(StateStore.inDirectory(stateDir.resolve("engine")));
      if (history != null) {
        engine.history(history);
      }
      listeners.forEach(engine::listener);
      for (AppSpec spec : specs) {
        GitSource source = sources.get(spec.name());
        String pinned = pins.get(spec.name());
        TargetType type = ws.types.computeIfAbsent(spec.targetType(), TargetTypes::create);
        Path appState = stateDir.resolve("apps").resolve(spec.name());
        TargetType.Fleet fleet = AppTargets.fleet(type, spec, appState);
        if (fleet == null) {
          Target target = AppTargets.target(type, spec, appState);
          ws.add(
              engine,
              new Unit(spec, spec.name(), "", "", pinned, null, spec.auth().describe(env)),
              source,
              target,
              policy);
          continue;
        }
        for (Map.Entry<String, String> host :
            AppTargets.hosts(fleet, spec, source, pinned, spec.auth().describe(env)).entrySet()) {
          Unit unit =
              new Unit(
                  spec,
                  spec.name() + "." + host.getKey(),
                  host.getKey(),
                  host.getValue(),
                  pinned,
                  fleet,
                  spec.auth().describe(env));
          ws.add(engine, unit, source, fleet.target(host.getKey()), policy);
        }
      }
      ws.engine = engine.build();
      return ws;
    } catch (IOException e) {
      ws.close();
      throw new CliException("cannot create state directory " + stateDir + ": " + e.getMessage());
    } catch (RuntimeException e) {
      ws.close();
      if (e instanceof CliException) {
        throw e;
      }
      throw new CliException(e.getMessage(), e);
    }
  }

  private void add(
      Engine.Builder engine,
      Unit unit,
      GitSource source,
      Target target,
      UnaryOperator<SyncPolicy> policy) {
    units.add(unit);
    targets.put(unit.name(), target);
    engine.application(
        unit.spec()
            .delivery()
            .applyTo(
                Application.builder(unit.name())
                    .source(source)
                    .target(target)
                    .policy(policy.apply(unit.spec().policy())))
            .build());
  }

  List<Unit> units() {
    return units;
  }

  Unit unit(String engineName) {
    return units.stream().filter(u -> u.name().equals(engineName)).findFirst().orElse(null);
  }

  Engine engine() {
    return engine;
  }

  Target target(String application) {
    return targets.get(application);
  }

  /**
   * Requests a pass of {@code unit}: at its pinned revision when a rollback pinned it, else at the
   * ref. The engine keeps its pins in the history, so a pin recorded by an earlier run is already
   * in force and only a pin the history does not hold yet is handed to the engine.
   */
  CompletableFuture<PassResult> pass(Unit unit) {
    if (unit.pinned() == null
        || unit.pinned().equals(engine.pinnedRevision(unit.name()).orElse(null))) {
      return engine.trigger(unit.name());
    }
    try {
      return engine.rollback(unit.name(), unit.pinned());
    } catch (IllegalArgumentException e) {
      throw new CliException(
          "application '"
              + unit.spec().name()
              + "' is pinned to "
              + unit.pinned()
              + ", which is not in its history ("
              + e.getMessage()
              + "); run 'gitops4j unpin "
              + unit.spec().name()
              + "' or point --history at the trail of the rollback");
    }
  }

  /**
   * Runs one pass of each unit and returns the results in order. Applications run one after the
   * other, in the order declared; the hosts of one fleet run concurrently (bounded by the engine).
   */
  List<PassResult> passOfEach() {
    List<PassResult> results = new ArrayList<>();
    int i = 0;
    while (i < units.size()) {
      AppSpec spec = units.get(i).spec();
      List<CompletableFuture<PassResult>> futures = new ArrayList<>();
      for (; i < units.size() && units.get(i).spec() == spec; i++) {
        futures.add(pass(units.get(i)));
      }
      for (CompletableFuture<PassResult> future : futures) {
        results.add(await(future));
      }
    }
    return results;
  }

  /** Waits for a pass a little longer than the pass timeout, which interrupts it on its own. */
  PassResult await(Future<PassResult> pass) {
    try {
      return pass.get(timeout.toMillis() + 30_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new CliException(String.valueOf(cause.getMessage()), cause);
    } catch (TimeoutException e) {
      throw new CliException("pass did not finish within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }

  @Override
  public void close() {
    if (engine != null) {
      engine.close();
    }
    types.values().forEach(TargetType::close);
  }
}
