package dev.gitops4j.cli.internal;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.history.HistoryStore;
import dev.gitops4j.source.GitRef;
import dev.gitops4j.source.GitSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * The applications of one command run, opened: sources, targets and an engine over them. Closing it
 * closes the engine and every client the targets opened.
 */
final class Workspace implements AutoCloseable {

  /** Environment variable holding a token for HTTPS Git sources. */
  static final String GIT_TOKEN_ENV = "GITOPS4J_GIT_TOKEN";

  private final List<AppSpec> specs;
  private final Map<String, Target> targets = new LinkedHashMap<>();
  private final Map<String, TargetType> types = new LinkedHashMap<>();
  private final Duration timeout;
  private Engine engine;

  private Workspace(List<AppSpec> specs, Duration timeout) {
    this.specs = specs;
    this.timeout = timeout;
  }

  /**
   * Opens the applications.
   *
   * @param policy turns each application's policy into the one this command runs with
   */
  static Workspace open(
      List<AppSpec> specs,
      Path stateDir,
      Map<String, String> env,
      UnaryOperator<SyncPolicy> policy,
      HistoryStore history,
      List<ReconcileListener> listeners,
      Duration timeout) {
    Workspace ws = new Workspace(specs, timeout);
    // Tools the targets run (tofu) work in their own directories: hand them absolute paths.
    stateDir = stateDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(stateDir);
      Engine.Builder engine = Engine.builder().passTimeout(timeout);
      if (history != null) {
        engine.history(history);
      }
      listeners.forEach(engine::listener);
      String token = env.get(GIT_TOKEN_ENV);
      for (AppSpec spec : specs) {
        TargetType type = ws.types.computeIfAbsent(spec.targetType(), TargetTypes::create);
        Path appState = stateDir.resolve("apps").resolve(spec.name());
        Target target;
        try {
          target = type.open(spec.name(), spec.options(), appState);
        } catch (CliException e) {
          throw e;
        } catch (Exception e) {
          throw new CliException(
              "application '"
                  + spec.name()
                  + "': cannot open "
                  + spec.targetType()
                  + " target: "
                  + e.getMessage(),
              e);
        }
        ws.targets.put(spec.name(), target);
        GitRef ref =
            Refs.resolve(
                spec.ref(),
                spec.url(),
                ls -> {
                  if (token != null && !token.isBlank()) {
                    ls.setCredentialsProvider(
                        new UsernamePasswordCredentialsProvider("git", token));
                  }
                });
        GitSource.Builder source =
            GitSource.builder(spec.url()).ref(ref).cacheDir(stateDir.resolve("git"));
        if (!spec.path().isEmpty()) {
          source.path(spec.path());
        }
        if (token != null && !token.isBlank()) {
          source.tokenAuth(token);
        }
        engine.application(
            Application.builder(spec.name())
                .source(source.build())
                .target(target)
                .policy(policy.apply(spec.policy()))
                .build());
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

  List<AppSpec> specs() {
    return specs;
  }

  Engine engine() {
    return engine;
  }

  Target target(String application) {
    return targets.get(application);
  }

  /** Runs one pass of each application in turn and returns the results in order. */
  List<PassResult> passOfEach() {
    List<PassResult> results = new ArrayList<>();
    for (AppSpec spec : specs) {
      results.add(await(engine.trigger(spec.name())));
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
