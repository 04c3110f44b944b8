package dev.gitops4j.k8s;

import static dev.gitops4j.k8s.Rig.configMap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.history.JsonLinesHistoryStore;
import dev.gitops4j.k8s.internal.OwnershipMarks;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.test.GitRepoFixture;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety with real processes: an engine process syncing hundreds of objects is killed with
 * SIGKILL at a random moment, a new process is started on the same state, and the cluster must
 * converge with no orphan, no lost object and the inventory equal to the owned live set. Each trial
 * changes the revision (updates, creates and prunes), so kills land in every kind of step; a second
 * series removes a tenth of the objects per trial, so kills land mid-prune.
 *
 * <p>Defaults keep CI short (5 mixed and 3 prune trials over 300 objects); {@code scripts/trials}
 * runs 20 of each over 1,000 objects ({@code -Dgitops4j.crash.trials}, {@code
 * -Dgitops4j.crash.objects}); {@code -Dgitops4j.crash.seed} picks the kill points.
 */
class CrashTrialIT {

  static final String APP = "crash-trial";
  static final String NS = "crash-trial";

  @TempDir Path dir;

  @Test
  void killedMidSyncAtRandomPointsConvergesWithoutOrphansOrLosses() throws Exception {
    Trials trials = new Trials("mixed", 5, 300);
    trials.run(
        (trial, desired) -> {
          Map<String, String> next = revision(trial, trials.random, desired);
          trials.commit(trial, next, desired);
          return next;
        });
  }

  /**
   * Each trial starts from the full set in sync, then commits a revision that removes a tenth of
   * the objects and kills the process while it prunes them.
   */
  @Test
  void killedMidPruneConvergesWithoutOrphansOrLosses() throws Exception {
    Trials trials = new Trials("prune", 3, 300);
    Map<String, String> full = trials.initial;
    trials.run(
        (trial, desired) -> {
          if (!desired.equals(full)) {
            trials.commit(trial, full, desired);
            long started = System.nanoTime();
            assertThat(trials.runToEnd()).as("trial %d: restoring the full set", trial).isZero();
            // Restoring a tenth takes about as long as pruning it: kill within that span.
            trials.killWindowMillis = (System.nanoTime() - started) / 1_000_000;
            trials.assertConverged(full);
          }
          Map<String, String> next = new TreeMap<>();
          full.forEach(
              (name, value) -> {
                if (trials.random.nextDouble() >= 0.1) {
                  next.put(name, value);
                }
              });
          trials.commit(trial, next, full);
          return next;
        });
  }

  /** The next desired set of a trial, committed: from the trial number and the current set. */
  @FunctionalInterface
  interface NextRevision {
    Map<String, String> commit(int trial, Map<String, String> desired) throws Exception;
  }

  /** One series of trials over its own state folder, namespace objects and kill points. */
  private final class Trials {
    final String kind;
    final int count;
    final Random random;
    final TestCluster cluster = TestCluster.get();
    final KubernetesClient client = cluster.client();
    final Path state = dir.resolve("state");
    final GitRepoFixture repo;
    final KubernetesTarget observer;
    final Map<String, String> initial;

    /** How long after its start a replica may be killed: about the length of a full pass. */
    long killWindowMillis;

    Trials(String kind, int defaultTrials, int defaultObjects) throws IOException {
      this.kind = kind;
      this.count = Integer.getInteger("gitops4j.crash.trials", defaultTrials);
      int objects = Integer.getInteger("gitops4j.crash.objects", defaultObjects);
      // A fixed default seed keeps the kill points of the CI run alike from run to run;
      // -Dgitops4j.crash.seed=N picks others (the output names the seed of every run).
      long seed = Long.getLong("gitops4j.crash.seed", 16435435452109L);
      this.random = new Random(seed);
      System.out.printf(
          "crash trial (%s): %d trials over %d objects, seed %d%n", kind, count, objects, seed);
      removeOwnedObjects();
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
          .serverSideApply();
      this.repo = GitRepoFixture.create(dir.resolve("repo"));
      this.observer = KubernetesTarget.builder(client).build();
      Map<String, String> first = new TreeMap<>();
      for (int i = 0; i < objects; i++) {
        first.put("cm-" + i, "v0");
      }
      this.initial = Map.copyOf(first);
    }

    /** Each test class method starts from an empty namespace and inventory. */
    private void removeOwnedObjects() throws IOException {
      client
          .configMaps()
          .inNamespace(NS)
          .withLabel(OwnershipMarks.APPLICATION_LABEL, APP)
          .withGracePeriod(0)
          .delete();
      try (KubernetesTarget target = KubernetesTarget.builder(client).build()) {
        target.inventoryStore().load(APP); // the stored version, which a save must name
        target.inventoryStore().save(APP, Inventory.empty());
      }
    }

    void run(NextRevision nextRevision) throws Exception {
      try (repo;
          observer) {
        commit(0, initial, Map.of());
        long started = System.nanoTime();
        assertThat(runToEnd()).as("first sync").isZero();
        long syncMillis = (System.nanoTime() - started) / 1_000_000;
        killWindowMillis = syncMillis;
        assertConverged(initial);

        Map<String, String> desired = initial;
        int killedMidPass = 0;
        int tornHistoryLines = 0;
        for (int trial = 1; trial <= count; trial++) {
          desired = nextRevision.commit(trial, desired);
          // Somewhere between process start and the end of the pass.
          long killAfter = (long) (random.nextDouble() * (killWindowMillis + 1500));
          Process replica = start();
          boolean alive = !replica.waitFor(killAfter, TimeUnit.MILLISECONDS);
          if (alive) {
            replica.destroyForcibly().waitFor();
            killedMidPass++;
          }
          long restart = System.nanoTime();
          int exit = runToEnd();
          if (exit == 3) {
            // Killed while appending to the history: set the torn line aside, as an operator
            // would.
            tornHistoryLines++;
            assertThat(JsonLinesHistoryStore.setAsideTornLine(state.resolve("history.jsonl")))
                .isPresent();
            exit = runToEnd();
          }
          assertThat(exit).as("trial %d: the restarted process converges", trial).isZero();
          long convergeMillis = (System.nanoTime() - restart) / 1_000_000;
          assertConverged(desired);
          System.out.printf(
              "trial %2d: killed after %5d ms (%s), converged in %5d ms%n",
              trial, killAfter, alive ? "mid-pass" : "already done", convergeMillis);
        }
        try (JsonLinesHistoryStore history =
            JsonLinesHistoryStore.open(state.resolve("history.jsonl"))) {
          assertThat(history.verify().intact()).as("history chain").isTrue();
        }
        System.out.printf(
            "crash trial (%s): %d of %d kills mid-pass, %d torn history lines set aside, first"
                + " sync %d ms; every trial converged with 0 orphans and 0 lost objects%n",
            kind, killedMidPass, count, tornHistoryLines, syncMillis);
        assertThat(killedMidPass).as("kills that hit a running pass").isPositive();
      }
    }

    void commit(int trial, Map<String, String> values, Map<String, String> previous) {
      Map<String, String> files = new LinkedHashMap<>();
      for (String gone : previous.keySet()) {
        if (!values.containsKey(gone)) {
          files.put(gone + ".yaml", null);
        }
      }
      values.forEach((name, value) -> files.put(name + ".yaml", configMap(NS, name, value)));
      repo.commit(kind + " trial " + trial, files);
    }

    private Process start() throws IOException {
      List<String> command =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-cp",
              System.getProperty("java.class.path"),
              "-Xmx512m",
              CrashTrialReplica.class.getName(),
              cluster.kubeconfig.toString(),
              repo.uri(),
              state.toString(),
              APP);
      Files.createDirectories(state);
      return new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(state.resolve("replica.log").toFile()))
          .start();
    }

    /**
     * Runs a replica until it exits: 0 in sync, 3 history torn by the previous kill, else failed.
     */
    int runToEnd() throws Exception {
      Process replica = start();
      if (!replica.waitFor(5, TimeUnit.MINUTES)) {
        replica.destroyForcibly();
        throw new AssertionError("replica did not finish; see " + state.resolve("replica.log"));
      }
      if (replica.exitValue() != 0 && tornHistory()) {
        return 3;
      }
      return replica.exitValue();
    }

    private boolean tornHistory() throws IOException {
      String log = Files.readString(state.resolve("replica.log"), StandardCharsets.UTF_8);
      return log.contains("incomplete")
          && log.lastIndexOf("incomplete") > log.lastIndexOf("RESULT");
    }

    /**
     * Live owned set equals desired (names and values); the inventory equals the live owned set.
     */
    void assertConverged(Map<String, String> desired) throws IOException {
      Map<String, String> live = new TreeMap<>();
      for (ConfigMap map :
          client
              .configMaps()
              .inNamespace(NS)
              .withLabel(OwnershipMarks.APPLICATION_LABEL, APP)
              .list()
              .getItems()) {
        live.put(map.getMetadata().getName(), map.getData().get("value"));
      }
      assertThat(live).as("owned live objects: no orphan, none lost").isEqualTo(desired);
      Set<String> inventory =
          observer.inventoryStore().load(APP).resources().stream()
              .filter(id -> id.kind().equals("ConfigMap"))
              .map(ResourceId::name)
              .collect(Collectors.toCollection(TreeSet::new));
      assertThat(inventory)
          .as("inventory equals the owned live set (see %s)", state.resolve("replica.log"))
          .isEqualTo(live.keySet());
    }
  }

  /**
   * The objects of one revision: about a tenth of the names are replaced (prune and create), a
   * third of the values change (update), the rest stay.
   */
  private static Map<String, String> revision(
      int trial, Random random, Map<String, String> previous) {
    Map<String, String> values = new TreeMap<>();
    int added = 0;
    for (Map.Entry<String, String> entry : previous.entrySet()) {
      double roll = random.nextDouble();
      if (roll < 0.1) {
        added++;
      } else if (roll < 0.43) {
        values.put(entry.getKey(), "v" + trial);
      } else {
        values.put(entry.getKey(), entry.getValue());
      }
    }
    for (int i = 0; i < added; i++) {
      values.put("cm-t" + trial + "-" + i, "v" + trial);
    }
    return values;
  }
}
