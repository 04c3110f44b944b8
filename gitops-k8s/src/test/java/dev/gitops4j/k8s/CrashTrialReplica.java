package dev.gitops4j.k8s;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.history.JsonLinesHistoryStore;
import dev.gitops4j.source.GitRef;
import dev.gitops4j.source.GitSource;
import dev.gitops4j.state.StateStore;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One engine process of {@link CrashTrialIT}: syncs one application from a Git repository to the
 * cluster, with its history, engine state and Git cache under a state folder, and exits 0 when the
 * pass ended in sync. The trial kills it with SIGKILL at random points.
 *
 * <p>Arguments: kubeconfig file, repository URI, state folder, application name.
 */
public final class CrashTrialReplica {

  private CrashTrialReplica() {}

  public static void main(String[] args) throws Exception {
    Path kubeconfig = Path.of(args[0]);
    String repository = args[1];
    Path state = Path.of(args[2]);
    String application = args[3];
    StateStore store = StateStore.inDirectory(state.resolve("engine"));
    int exit;
    try (KubernetesClient client =
            new KubernetesClientBuilder()
                .withConfig(
                    Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8)))
                .build();
        KubernetesTarget k8s = KubernetesTarget.builder(client).state(store).build();
        JsonLinesHistoryStore history = JsonLinesHistoryStore.open(state.resolve("history.jsonl"));
        Engine engine =
            Engine.builder()
                .history(history)
                .state(store)
                .stepParallelism(4)
                .application(
                    Application.builder(application)
                        .source(
                            GitSource.builder(repository)
                                .ref(GitRef.branch("main"))
                                .cacheDir(state.resolve("git"))
                                .build())
                        .target(k8s.target(application))
                        .policy(SyncPolicy.automatic())
                        .interval(Duration.ofHours(1))
                        .build())
                .build()) {
      PassResult result = engine.trigger(application).get(10, TimeUnit.MINUTES);
      System.out.println(
          "RESULT " + result.status() + " writes=" + result.writes() + " " + result.error());
      boolean inSync =
          result.status() == PassStatus.SYNCED || result.status() == PassStatus.IN_SYNC;
      exit = inSync ? 0 : 2;
    }
    System.exit(exit);
  }
}
