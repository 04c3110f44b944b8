package dev.gitops4j.examples;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.history.HistoryStore;
import dev.gitops4j.history.JsonLinesHistoryStore;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.Step;
import dev.gitops4j.source.GitRef;
import dev.gitops4j.source.GitSource;
import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.vm.VmTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The quickstart: a full GitOps story on one machine. A local Git repository is created from the
 * desired state bundled here and reconciled into a local "host" (the VM target's local transport)
 * under a temporary folder: first sync, a hand edit healed, a new commit applied, a file removed
 * and pruned, a rollback, and the audit trail verified.
 */
public final class Quickstart {

  private static final String APP = "shop";
  private static final String DESIRED = "host/shop.yaml";

  private final Path work;
  private final PrintStream out;

  public Quickstart(Path work, PrintStream out) {
    this.work = work;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    Path work =
        args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("gitops4j-quickstart-");
    new Quickstart(work, System.out).run();
  }

  /** Runs the story; throws when any step does not do what it announces. */
  public void run() throws Exception {
    Path host = Files.createDirectories(work.resolve("host"));
    out.println("gitops4j quickstart — working in " + work);
    out.println("Git repository: " + work.resolve("repo") + "; the host's files: " + host);
    try (GitRepoFixture repo = GitRepoFixture.create(work.resolve("repo"));
        JsonLinesHistoryStore history = JsonLinesHistoryStore.open(work.resolve("history.jsonl"));
        VmTarget vm = VmTarget.local(host)) {
      GitSource source =
          GitSource.builder(repo.uri())
              .ref(GitRef.branch("main"))
              .path("host")
              .cacheDir(work.resolve("cache"))
              .build();
      Target target = vm.target("localhost");
      Application shop =
          Application.builder(APP)
              .source(source)
              .target(target)
              .policy(SyncPolicy.automatic())
              .build();
      String desired = bundled(DESIRED);

      try (Engine engine = Engine.builder().application(shop).history(history).build()) {
        section("1. First commit: plan and apply");
        String first = repo.commit("Initial shop configuration", Map.of(DESIRED, desired));
        PassResult initial = pass(engine);
        expect(initial.status() == PassStatus.SYNCED, "the first pass applies the revision");
        printPlan(initial);
        show(host.resolve("etc/shop/app.conf"));

        section("2. A hand edit of a managed file: drift detected, healed");
        Path appConf = host.resolve("etc/shop/app.conf");
        Files.writeString(appConf, "currency = USD\ncheckout.timeout = 30s\n");
        out.println("  someone changed currency to USD in /etc/shop/app.conf by hand");
        PassResult healed = pass(engine);
        for (Drift drift : healed.drift().outOfSync()) {
          out.println(
              "  drift: "
                  + drift.status().name().toLowerCase(Locale.ROOT)
                  + " "
                  + drift.id()
                  + " "
                  + drift.changes());
        }
        expect(
            Files.readString(appConf).contains("currency = EUR"),
            "self-heal restores currency = EUR");
        printPlan(healed);
        out.println("  healed: currency is EUR again");

        section("3. A new commit: applied");
        String recommendationsOff =
            desired.replace("recommendations = on", "recommendations = off");
        repo.commit("Turn recommendations off", Map.of(DESIRED, recommendationsOff));
        PassResult release = pass(engine);
        expect(release.status() == PassStatus.SYNCED, "the new commit is applied");
        printPlan(release);
        show(host.resolve("etc/shop/features.conf"));

        section("4. A file removed in Git: pruned");
        repo.commit("End the winter sale", Map.of(DESIRED, withoutPromo(recommendationsOff)));
        PassResult pruned = pass(engine);
        expect(
            Optional.ofNullable(pruned.plan()).orElseThrow().count(Step.Action.DELETE) == 1,
            "the promo page is pruned");
        expect(!Files.exists(host.resolve("srv/shop/promo.html")), "promo.html is gone");
        printPlan(pruned);

        section("5. Rollback to the first revision");
        PassResult rolledBack = engine.rollback(APP, first).get(2, TimeUnit.MINUTES);
        expect(rolledBack.revision().equals(first), "the application is pinned to " + first);
        expect(Files.exists(host.resolve("srv/shop/promo.html")), "promo.html is back");
        printPlan(rolledBack);
        out.println(
            "  pinned to "
                + shortId(first)
                + " (recorded in the history, so the pin holds across restarts); engine.unpin(\""
                + APP
                + "\") follows main again");

        section("6. Audit trail");
        printHistory(history);
        HistoryStore.Verification verification = history.verify();
        expect(verification.intact(), "the hash chain is intact: " + verification.reason());
        out.println("  hash chain verified: " + verification.records() + " records intact");

        section("Summary");
        out.println(
            "  five passes (create, heal, update, prune, rollback) and the pin — each recorded and"
                + " verified");
        out.println("  desired state: " + repo.directory() + "; live files: " + host);
      }
    }
  }

  private static String withoutPromo(String desired) {
    int start = desired.indexOf("  - file: /srv/shop/promo.html");
    return desired.substring(0, start);
  }

  private static PassResult pass(Engine engine) throws Exception {
    PassResult result = engine.trigger(APP).get(2, TimeUnit.MINUTES);
    if (result.failed()) {
      throw new IllegalStateException("pass failed: " + result.error());
    }
    return result;
  }

  private void printPlan(PassResult result) {
    out.println(
        "  revision "
            + shortId(result.revision())
            + ": "
            + Optional.ofNullable(result.plan()).map(p -> p.summary()).orElse(""));
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
  }

  private void show(Path file) throws IOException {
    out.println("  " + file.getFileName() + ":");
    Files.readString(file).lines().forEach(line -> out.println("    | " + line));
  }

  private void printHistory(HistoryStore history) throws IOException {
    List<HistoryRecord> records = history.list(APP, 20);
    for (int i = records.size() - 1; i >= 0; i--) {
      HistoryRecord record = records.get(i);
      out.printf(
          "  %-9s %-8s %s  %s%n",
          record.trigger().name().toLowerCase(Locale.ROOT),
          record.status().toLowerCase(Locale.ROOT),
          shortId(record.revision()),
          record.planSummary());
    }
  }

  private void section(String title) {
    out.println();
    out.println("== " + title);
  }

  private static void expect(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("quickstart step did not hold: " + what);
    }
  }

  private static String shortId(String revision) {
    return revision.length() > 10 ? revision.substring(0, 10) : revision;
  }

  private static String bundled(String file) {
    try (InputStream in = Quickstart.class.getResourceAsStream("/quickstart/" + file)) {
      if (in == null) {
        throw new IllegalStateException("missing bundled file " + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
