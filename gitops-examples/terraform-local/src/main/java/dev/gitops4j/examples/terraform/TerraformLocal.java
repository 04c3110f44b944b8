package dev.gitops4j.examples.terraform;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.source.GitRef;
import dev.gitops4j.source.GitSource;
import dev.gitops4j.terraform.TerraformEvent;
import dev.gitops4j.terraform.TerraformTarget;
import dev.gitops4j.test.GitRepoFixture;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An OpenTofu configuration kept in line with Git: a small "site" of local files (the local
 * provider), a variable in {@code terraform.tfvars} and outputs, committed to a local Git
 * repository and reconciled with the Terraform target driving the real CLI. The story: first plan
 * and apply, files edited and deleted by hand healed, a variable changed by a commit, outputs read
 * back, a resource removed from Git destroyed.
 */
public final class TerraformLocal {

  static final String APP = "site";
  static final String FOLDER = "site";
  private static final List<String> CONFIGURATION =
      List.of("main.tf", "promo.tf", "variables.tf", "terraform.tfvars");
  private static final Duration PASS_TIMEOUT = Duration.ofMinutes(5);

  private final TerraformLocalOptions options;
  private final PrintStream out;

  /** Progress the CLI reports while planning and applying. */
  private final List<TerraformEvent> events = new CopyOnWriteArrayList<>();

  public TerraformLocal(TerraformLocalOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.print(TerraformLocalOptions.USAGE);
      return;
    }
    try {
      new TerraformLocal(TerraformLocalOptions.parse(args), System.out).run();
    } catch (IllegalArgumentException e) { // bad options: say which, no stack trace
      System.err.println("error: " + e.getMessage());
      System.err.print(TerraformLocalOptions.USAGE);
      System.exit(2);
    } catch (IllegalStateException | TargetException e) { // a step failed, or no usable CLI
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Runs the story; throws when any step does not do what it announces. */
  public void run() throws Exception {
    Path work =
        options.work().isPresent()
            ? Files.createDirectories(options.work().get())
            : Files.createTempDirectory("gitops4j-terraform-");
    Path site = Files.createDirectories(work.resolve("site"));
    TerraformTarget.Builder builder =
        TerraformTarget.builder(work.resolve("tofu")) // working directory, state, inventory
            .variable("out_dir", site.toString()) // TF_VAR_out_dir: machine-specific, not in Git
            .listener(events::add);
    options.tofu().ifPresent(builder::binary);
    options.cliConfig().ifPresent(builder::cliConfig);
    try (TerraformTarget tofu = builder.build()) {
      story(tofu, work, site);
    }
  }

  /** The story on one target, closed when it ends. */
  private void story(TerraformTarget tofu, Path work, Path site) throws Exception {
    out.println("gitops4j Terraform/OpenTofu example — working in " + work);
    out.println("CLI: " + tofu.binary() + "; the site's files: " + site);

    try (GitRepoFixture repo = GitRepoFixture.create(work.resolve("repo"))) {
      out.println("Git repository: " + repo.directory() + " (branch main, folder " + FOLDER + ")");
      Map<String, String> files = new LinkedHashMap<>();
      CONFIGURATION.forEach(name -> files.put(FOLDER + "/" + name, bundled(name)));
      repo.commit("A site of local files", files);

      Application application =
          Application.builder(APP)
              .source(
                  GitSource.builder(repo.uri())
                      .ref(GitRef.branch("main"))
                      .path(FOLDER)
                      .cacheDir(work.resolve("cache"))
                      .build())
              .target(tofu.target(APP))
              .policy(SyncPolicy.automatic()) // apply every plan, heal drift
              .build();
      // Not started: each step asks for a pass itself, as a webhook or the interval would.
      try (Engine engine = Engine.builder().application(application).build()) {
        section("1. First commit: plan and apply");
        PassResult first = pass(engine);
        expect(first.status() == PassStatus.SYNCED, "the first plan is applied");
        printPlan(first);
        show(site.resolve("index.html"));
        expect(Files.exists(site.resolve("promo.txt")), "promo.txt is created");

        section("2. Files edited and deleted by hand: drift detected, healed");
        Files.writeString(site.resolve("index.html"), "<h1>defaced</h1>\n");
        Files.delete(site.resolve("robots.txt"));
        out.println("  someone overwrote index.html and deleted robots.txt");
        events.clear();
        PassResult healed = pass(engine);
        events.stream()
            .filter(e -> e.type() == TerraformEvent.Type.RESOURCE_DRIFT)
            .forEach(
                e ->
                    out.println(
                        "  refresh: " + e.address() + " changed outside (" + e.action() + ")"));
        healed.drift().outOfSync().forEach(this::printDrift);
        // The local provider reads a file whose content changed as gone, so the plan re-creates
        // it: both files show as missing, not as modified.
        printPlan(healed);
        expect(
            Files.readString(site.resolve("index.html")).contains("Hello from Git"),
            "index.html is restored");
        expect(Files.exists(site.resolve("robots.txt")), "robots.txt is back");
        out.println("  healed: index.html and robots.txt are as Git says again");

        section("3. A commit changing a variable: applied");
        repo.commit(
            "New greeting",
            Map.of(FOLDER + "/terraform.tfvars", "greeting = \"Hello again, from a commit\"\n"));
        PassResult release = pass(engine);
        expect(release.status() == PassStatus.SYNCED, "the new greeting is applied");
        printPlan(release);
        show(site.resolve("index.html"));

        section("4. Outputs");
        tofu.outputs().values().forEach(o -> out.println("  " + o));
        expect(
            tofu.outputs().get("greeting").value().asText().equals("Hello again, from a commit"),
            "the greeting output follows the variable");

        section("5. A resource removed from Git: destroyed");
        repo.commit("End the winter sale", Collections.singletonMap(FOLDER + "/promo.tf", null));
        PassResult removed = pass(engine);
        printPlan(removed);
        expect(
            Optional.ofNullable(removed.plan()).orElseThrow().count(Step.Action.DELETE) == 1,
            "one destroy");
        expect(!Files.exists(site.resolve("promo.txt")), "promo.txt is gone");
        out.println("  promo.txt is destroyed: it was in this application's inventory");
        // Terraform applies a plan as a whole, so the engine cannot hold back one destroy of it.
        out.println(
            "  (a plan that would destroy anything outside the inventory is refused whole;");
        out.println("   to keep a resource while dropping it from Git, commit a removed { } block");
        out.println("   with lifecycle { destroy = false } instead of deleting it)");

        section("Summary");
        out.println(
            "  plan+apply, heal, variable change, outputs, destroy — with " + tofu.binary());
        out.println("  desired state: " + repo.directory());
        out.println("  working directory and state: " + tofu.workingDirectory());
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
  }

  private void printDrift(Drift drift) {
    out.println(
        "  drift: "
            + drift.status().name().toLowerCase(Locale.ROOT)
            + " "
            + drift.id()
            + (drift.changes().isEmpty() ? "" : " " + drift.changes()));
  }

  private void show(Path file) throws IOException {
    out.println("  " + file.getFileName() + ":");
    Files.readString(file).lines().forEach(line -> out.println("    | " + line));
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
    String resource = "/terraform-local/" + FOLDER + "/" + name;
    try (InputStream in = TerraformLocal.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing bundled file " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
