package dev.gitops4j.examples.kubernetes;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.k8s.KubernetesTarget;
import dev.gitops4j.k8s.health.HealthWaiter;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.Health;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.source.GitRef;
import dev.gitops4j.source.GitSource;
import dev.gitops4j.test.GitRepoFixture;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A small web application kept in a Kubernetes cluster from Git: a Namespace, a ConfigMap, a
 * Deployment and a Service (plus a promotion ConfigMap) are committed to a local Git repository and
 * reconciled into the cluster a kubeconfig names. The story: first sync, the Deployment's rollout
 * health, a hand edit healed through the engine's watch, a new commit applied, a removed manifest
 * pruned.
 *
 * <p>With {@code --repo URL} it reconciles your own repository once instead and reports health.
 */
public final class KubernetesApp {

  static final String APP = "storefront";
  static final String NAMESPACE = "storefront";
  static final String FOLDER = "storefront";
  private static final List<String> MANIFESTS =
      List.of("namespace.yaml", "config.yaml", "deployment.yaml", "service.yaml", "promo.yaml");
  private static final ResourceId DEPLOYMENT = ResourceId.of("apps/Deployment", NAMESPACE, "web");
  private static final Duration PASS_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration WATCH_TIMEOUT = Duration.ofSeconds(30);

  private final KubernetesAppOptions options;
  private final PrintStream out;

  /** Every finished pass, whatever started it: the watch starts some of them by itself. */
  private final BlockingQueue<PassResult> passes = new LinkedBlockingQueue<>();

  public KubernetesApp(KubernetesAppOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.print(KubernetesAppOptions.USAGE);
      return;
    }
    try {
      new KubernetesApp(KubernetesAppOptions.parse(args), System.out).run();
    } catch (IllegalArgumentException e) { // bad options or kubeconfig: say which, no stack trace
      System.err.println("error: " + e.getMessage());
      System.err.print(KubernetesAppOptions.USAGE);
      System.exit(2);
    } catch (IllegalStateException e) { // a step failed: the message names the step and the cause
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Runs the story; throws when any step does not do what it announces. */
  public void run() throws Exception {
    Config config = options.clientConfig();
    Path work =
        options.work().isPresent()
            ? Files.createDirectories(options.work().get())
            : Files.createTempDirectory("gitops4j-kubernetes-");
    out.println("gitops4j Kubernetes example — working in " + work);
    out.println(
        "cluster: "
            + config.getMasterUrl()
            + " (context "
            + Optional.ofNullable(config.getCurrentContext()).map(c -> c.getName()).orElse("none")
            + " of "
            + options.kubeconfig()
            + ")");
    // The client is ours to close; the target only borrows it.
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      KubernetesTarget cluster = KubernetesTarget.builder(client).build();
      if (options.repo().isPresent()) {
        yourRepository(cluster, client, work);
      } else {
        story(cluster, client, work);
      }
    }
  }

  private void story(KubernetesTarget cluster, KubernetesClient client, Path work)
      throws Exception {
    try (GitRepoFixture repo = GitRepoFixture.create(work.resolve("repo"))) {
      out.println("Git repository: " + repo.directory() + " (branch main, folder " + FOLDER + ")");
      Map<String, String> manifests = new LinkedHashMap<>();
      MANIFESTS.forEach(name -> manifests.put(FOLDER + "/" + name, bundled(name)));
      repo.commit("Storefront 1.0", manifests);

      GitSource source =
          GitSource.builder(repo.uri())
              .ref(GitRef.branch("main"))
              .path(FOLDER)
              .cacheDir(work.resolve("cache"))
              .build();
      try (Engine engine = engine(application(source, cluster))) {
        section("1. First commit: plan and apply");
        // start() subscribes to the cluster's watch events and runs the first pass at once.
        engine.start();
        PassResult first = awaitPass(r -> true, PASS_TIMEOUT, "the first pass");
        expect(!first.failed(), "the first pass applies the revision: " + first.error());
        printPlan(first);
        expect(configMap(client, "winter-sale") != null, "the winter-sale ConfigMap exists");

        section("2. Health of the Deployment");
        waitForRollout(client);

        section("3. A hand edit of a managed field: drift detected, healed");
        passes.clear();
        scaleByHand(client, 5);
        out.println(
            "  someone scaled web to 5 replicas with their own client (field manager hand-edit)");
        PassResult healed = awaitHeal(engine);
        healed.drift().outOfSync().forEach(this::printDrift);
        printPlan(healed);
        int replicas = deployment(client).getSpec().getReplicas();
        expect(replicas == 2, "self-heal restores 2 replicas, found " + replicas);
        out.println(
            "  healed: web has 2 replicas again (pass started by "
                + healed.trigger().name().toLowerCase(Locale.ROOT)
                + ")");

        section("4. A new commit: applied");
        String page = manifests.get(FOLDER + "/config.yaml").replace("Release 1.0", "Release 1.1");
        String deployment =
            manifests.get(FOLDER + "/deployment.yaml").replace("nginx:1.27", "nginx:1.28");
        repo.commit(
            "Storefront 1.1: new page, nginx 1.28",
            Map.of(FOLDER + "/config.yaml", page, FOLDER + "/deployment.yaml", deployment));
        out.println("  committed: new page text, nginx 1.28");
        // A webhook (engine.pushed) or the interval would start this pass; here we ask directly.
        PassResult release = pass(engine);
        printPlan(release);
        String html = configMap(client, "storefront-page").getData().get("index.html");
        expect(html.contains("Release 1.1"), "the new page is in the cluster");
        out.println("  storefront-page now says: " + html.lines().skip(1).findFirst().orElse(""));
        out.println(
            "  web runs image "
                + deployment(client)
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0)
                    .getImage());

        section("5. A manifest removed in Git: pruned");
        repo.commit("End the winter sale", Collections.singletonMap(FOLDER + "/promo.yaml", null));
        PassResult pruned = pass(engine);
        printPlan(pruned);
        expect(
            Optional.ofNullable(pruned.plan()).orElseThrow().count(Step.Action.DELETE) == 1,
            "one object is pruned");
        expect(configMap(client, "winter-sale") == null, "winter-sale is gone");
        out.println("  winter-sale is gone from the cluster; nothing else was touched");

        section("Summary");
        out.println("  create, rollout check, heal, update, prune — against " + cluster.endpoint());
        out.println("  desired state: " + repo.directory());
        out.println("  clean up with: kubectl delete namespace " + NAMESPACE);
      }
    }
  }

  /** With {@code --repo}: one pass over the user's own repository, then its health. */
  private void yourRepository(KubernetesTarget cluster, KubernetesClient client, Path work)
      throws Exception {
    GitSource.Builder source =
        GitSource.builder(options.repo().orElseThrow())
            .ref(GitRef.branch(options.branch()))
            .cacheDir(work.resolve("cache"));
    options.path().ifPresent(source::path);
    String name = "my-app";
    try (Engine engine = engine(application(name, source.build(), cluster))) {
      section("Your repository: plan and apply");
      PassResult result = engine.trigger(name).get(PASS_TIMEOUT.toMinutes(), TimeUnit.MINUTES);
      expect(!result.failed(), "the pass applies the revision: " + result.error());
      printPlan(result);
      out.println("  application health: " + describe(result.health()));
    }
  }

  private Application application(GitSource source, KubernetesTarget cluster) {
    return application(APP, source, cluster);
  }

  private static Application application(String name, GitSource source, KubernetesTarget cluster) {
    return Application.builder(name)
        .source(source)
        .target(cluster.target(name)) // the name goes into each object's ownership label
        .policy(SyncPolicy.automatic()) // apply, self-heal and prune
        .interval(Duration.ofMinutes(10)) // the story never waits for it
        .build();
  }

  private Engine engine(Application application) {
    return Engine.builder()
        .application(application)
        .listener(
            new ReconcileListener() {
              @Override
              public void passFinished(PassResult result) {
                passes.add(result);
              }
            })
        .build();
  }

  /**
   * Reports the Deployment's rollout as observed. It only becomes available once the cluster's
   * controllers and nodes have started its pods: applying is the engine's job, pods the cluster's.
   */
  private void waitForRollout(KubernetesClient client) throws InterruptedException {
    out.println(
        "  waiting up to "
            + options.healthTimeout().toSeconds()
            + " s for "
            + DEPLOYMENT
            + " to become available");
    HealthWaiter.Result result = Rollout.await(client, DEPLOYMENT, options.healthTimeout());
    if (result.healthy()) {
      out.println("  healthy: " + result.resources().get(DEPLOYMENT).message());
    } else {
      out.println(
          "  not available after "
              + options.healthTimeout().toSeconds()
              + " s: "
              + describe(result.resources().get(DEPLOYMENT)));
      out.println(
          "  (the Deployment is declared and applied; its pods are the cluster's job — without a"
              + " running controller-manager and nodes it stays progressing)");
    }
  }

  private void scaleByHand(KubernetesClient client, int replicas) {
    // A merge patch under another field manager: the kind of change `kubectl scale` or an
    // operator's script makes. It takes ownership of /spec/replicas away from gitops4j.
    client
        .apps()
        .deployments()
        .inNamespace(NAMESPACE)
        .withName("web")
        .patch(
            new PatchContext.Builder()
                .withPatchType(PatchType.JSON_MERGE)
                .withFieldManager("hand-edit")
                .build(),
            "{\"spec\":{\"replicas\":" + replicas + "}}");
  }

  /**
   * The watch reports the edit and the engine runs a pass by itself. Should no event arrive (a
   * cluster that refuses watches), the example asks for a pass instead and says so.
   */
  private PassResult awaitHeal(Engine engine) throws Exception {
    try {
      return awaitPass(r -> r.writes() > 0 || r.failed(), WATCH_TIMEOUT, "a watch-started pass");
    } catch (IllegalStateException noEvent) {
      out.println("  no watch event within " + WATCH_TIMEOUT.toSeconds() + " s; asking for a pass");
      return pass(engine);
    }
  }

  private PassResult awaitPass(Predicate<PassResult> wanted, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      PassResult next = passes.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (next == null) {
        throw new IllegalStateException("no " + what + " within " + timeout.toSeconds() + " s");
      }
      if (wanted.test(next)) {
        if (next.failed()) {
          throw new IllegalStateException("pass failed: " + next.error());
        }
        return next;
      }
    }
  }

  private static PassResult pass(Engine engine) throws Exception {
    PassResult result = engine.trigger(APP).get(PASS_TIMEOUT.toMinutes(), TimeUnit.MINUTES);
    if (result.failed()) {
      throw new IllegalStateException("pass failed: " + result.error());
    }
    return result;
  }

  private static Deployment deployment(KubernetesClient client) {
    return client.apps().deployments().inNamespace(NAMESPACE).withName("web").get();
  }

  private static ConfigMap configMap(KubernetesClient client, String name) {
    return client.configMaps().inNamespace(NAMESPACE).withName(name).get();
  }

  private void printPlan(PassResult result) {
    out.println(
        "  revision "
            + shortId(result.revision())
            + ": "
            + result.status().name().toLowerCase(Locale.ROOT)
            + ", "
            + Optional.ofNullable(result.plan()).map(p -> p.summary()).orElse("nothing to do"));
    result
        .results()
        .forEach(
            r ->
                out.println(
                    "    "
                        + r.step()
                        + " -> "
                        + r.outcome().name().toLowerCase(Locale.ROOT)
                        + (r.message().isEmpty() ? "" : " (" + r.message() + ")")));
    out.println("  health after the pass: " + describe(result.health()));
  }

  private void printDrift(Drift drift) {
    out.println(
        "  drift: "
            + drift.status().name().toLowerCase(Locale.ROOT)
            + " "
            + drift.id()
            + " "
            + drift.changes());
  }

  private static String describe(Health health) {
    return health.status().name().toLowerCase(Locale.ROOT)
        + (health.message().isEmpty() ? "" : " — " + health.message());
  }

  private void section(String title) {
    out.println();
    out.println("== " + title);
  }

  private static void expect(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("example step did not hold: " + what);
    }
  }

  private static String shortId(String revision) {
    return revision.length() > 10 ? revision.substring(0, 10) : revision;
  }

  private static String bundled(String name) {
    String resource = "/kubernetes-app/" + FOLDER + "/" + name;
    try (InputStream in = KubernetesApp.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing bundled manifest " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
