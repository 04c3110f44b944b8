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
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.source.GitRef;
import dev.gitops4j.source.GitSource;
import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.test.InMemoryTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The quickstart: a full GitOps story on one machine. A local Git repository is created from the
 * desired state bundled here and reconciled into an embedded target: first sync, a hand edit
 * healed, a new commit applied, a file removed and pruned, a rollback, and the audit trail
 * verified.
 */
public final class Quickstart {

  private static final String APP = "shop";
  private static final List<String> FILES =
      List.of("app/namespace.yaml", "app/settings.yaml", "app/web.yaml", "app/promo.yaml");
  private static final ResourceId SETTINGS = ResourceId.of("ConfigMap", "shop", "settings");

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
    out.println("gitops4j quickstart — working in " + work);
    try (GitRepoFixture repo = GitRepoFixture.create(work.resolve("repo"))) {
      InMemoryTarget system = InMemoryTarget.create();
      JsonLinesHistoryStore history = JsonLinesHistoryStore.open(work.resolve("history.jsonl"));
      GitSource source =
          GitSource.builder(repo.uri())
              .ref(GitRef.branch("main"))
              .path("app")
              .cacheDir(work.resolve("cache"))
              .build();
      Target target = system.target();
      Application shop =
          Application.builder(APP)
              .source(source)
              .target(target)
              .policy(SyncPolicy.automatic())
              .build();

      try (Engine engine = Engine.builder().application(shop).history(history).build()) {
        section("1. First commit: plan and apply");
        String first = repo.commit("Initial shop configuration", bundled(FILES));
        PassResult initial = pass(engine);
        expect(initial.status() == PassStatus.SYNCED, "the first pass applies the revision");
        printPlan(initial);

        section("2. A hand edit of a managed object: drift detected, healed");
        system.edit(SETTINGS, body -> body.with("data").put("currency", "USD"));
        out.println("  someone set data.currency=USD on ConfigMap shop/settings by hand");
        PassResult healed = pass(engine);
        Drift drift = healed.drift().outOfSync().get(0);
        out.println(
            "  drift: " + drift.status().name().toLowerCase(Locale.ROOT) + " " + drift.id());
        indent(target.unifiedDiff().render(drift));
        expect(currency(system).equals("EUR"), "self-heal restores currency=EUR");
        out.println("  healed: currency is EUR again");

        section("3. A new commit: applied");
        repo.commit(
            "Release web 1.5.0",
            Map.of(
                "app/web.yaml",
                bundled(List.of("app/web.yaml")).get("app/web.yaml").replace("1.4.0", "1.5.0")));
        PassResult release = pass(engine);
        expect(release.status() == PassStatus.SYNCED, "the new commit is applied");
        printPlan(release);

        section("4. A file removed in Git: pruned");
        repo.delete("End the winter sale", "app/promo.yaml");
        PassResult pruned = pass(engine);
        expect(
            pruned.planned().orElseThrow().count(Step.Action.DELETE) == 1,
            "the promo ConfigMap is pruned");
        printPlan(pruned);

        section("5. Rollback to the first revision");
        PassResult rolledBack = engine.rollback(APP, first).get(2, TimeUnit.MINUTES);
        expect(rolledBack.revision().equals(first), "the application is pinned to " + first);
        printPlan(rolledBack);
        out.println(
            "  pinned to " + shortId(first) + "; engine.unpin(\"" + APP + "\") follows main again");

        section("6. Audit trail");
        printHistory(history);
        HistoryStore.Verification verification = history.verify();
        expect(verification.intact(), "the hash chain is intact: " + verification.reason());
        out.println("  hash chain verified: " + verification.records() + " records intact");

        section("Summary");
        out.println("  managed objects now: " + system.ids().size() + " (" + system.ids() + ")");
        out.println(
            "  passes recorded: "
                + verification.records()
                + ", writes to the target: "
                + system.writes());
        out.println("  everything above ran against a real Git repository at " + repo.directory());
      }
      history.close();
    }
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
            + result.planned().map(p -> p.summary()).orElse(""));
    result
        .results()
        .forEach(
            r ->
                out.println(
                    "    " + r.step() + " -> " + r.outcome().name().toLowerCase(Locale.ROOT)));
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

  private String currency(InMemoryTarget system) {
    return system.get(SETTINGS).orElseThrow().at("/data/currency").asText();
  }

  private void section(String title) {
    out.println();
    out.println("== " + title);
  }

  private void indent(String text) {
    text.lines().forEach(line -> out.println("    " + line));
  }

  private static void expect(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("quickstart step did not hold: " + what);
    }
  }

  private static String shortId(String revision) {
    return revision.length() > 10 ? revision.substring(0, 10) : revision;
  }

  private static Map<String, String> bundled(List<String> files) {
    Map<String, String> content = new LinkedHashMap<>();
    for (String file : files) {
      try (InputStream in = Quickstart.class.getResourceAsStream("/quickstart/" + file)) {
        if (in == null) {
          throw new IllegalStateException("missing bundled file " + file);
        }
        content.put(file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return content;
  }
}
