package dev.gitops4j.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.ApprovalRequest;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.history.JsonLinesHistoryStore;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.StepResult;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.DeterministicEngine;
import dev.gitops4j.test.ManualClock;
import dev.gitops4j.test.ManualScheduler;
import dev.gitops4j.test.Testbed;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Terraform target on a real engine against real OpenTofu (and Terraform 1.5.7) with the null,
 * local and random providers from the testbed's offline mirror. Passes run on the test thread.
 */
class TerraformTargetIT {

  private static final String APP = "infra";
  private static final String TOKEN = "tok-4f1c9e2b7a5d3c8e";

  @TempDir Path dir;

  private final List<Fixture> fixtures = new ArrayList<>();

  /** One application, its target, engine and everything they reported. */
  final class Fixture implements AutoCloseable {
    final ManualClock clock = ManualClock.create();
    final ManualScheduler timers = new ManualScheduler(clock);
    final InMemorySource repo = InMemorySource.create("infra-config", clock);
    final Path out;
    final Path history;
    final TerraformTarget target;
    final List<PassResult> results = new CopyOnWriteArrayList<>();
    final List<ApprovalRequest> approvals = new CopyOnWriteArrayList<>();
    final List<TerraformEvent> events = new CopyOnWriteArrayList<>();
    final List<String> passwords = new ArrayList<>();
    Engine engine;

    Fixture(String name, Consumer<TerraformTarget.Builder> customize) throws IOException {
      Testbed testbed = Testbed.get();
      Path root = dir.resolve(name);
      out = Files.createDirectories(root.resolve("out"));
      history = root.resolve("history.jsonl");
      TerraformTarget.Builder builder =
          TerraformTarget.builder(root.resolve("tf"))
              .binary(testbed.tofu())
              .cliConfig(testbed.tofuCliConfig())
              .variable("out", out.toString())
              .variable("token", TOKEN)
              .lockTimeout(Duration.ofMillis(500))
              .commandTimeout(Duration.ofMinutes(2))
              .listener(events::add);
      customize.accept(builder);
      target = builder.build();
      fixtures.add(this);
    }

    Engine start(SyncPolicy policy) throws IOException {
      if (engine != null) {
        engine.close();
      }
      engine =
          DeterministicEngine.builder(clock, timers)
              .history(JsonLinesHistoryStore.open(history))
              .backoff(Duration.ofSeconds(1), Duration.ofSeconds(8))
              .listener(
                  new ReconcileListener() {
                    @Override
                    public void approvalNeeded(ApprovalRequest request) {
                      approvals.add(request);
                    }

                    @Override
                    public void passFinished(PassResult result) {
                      results.add(result);
                    }
                  })
              .application(
                  Application.builder(APP)
                      .source(repo)
                      .target(target.target(APP))
                      .policy(policy)
                      .interval(Duration.ofHours(1))
                      .build())
              .build();
      return engine;
    }

    PassResult pass() throws Exception {
      return engine.trigger(APP).get(5, TimeUnit.MINUTES);
    }

    Path file(String name) {
      return out.resolve(name);
    }

    /** Everything this application reported or recorded, as text. */
    String reported() throws IOException {
      StringBuilder text = new StringBuilder();
      if (Files.exists(history)) {
        text.append(Files.readString(history));
      }
      for (PassResult result : results) {
        text.append(result).append('\n');
        Optional.ofNullable(result.drift())
            .ifPresent(
                report ->
                    text.append(target.target(APP).unifiedDiff().render(report)).append('\n'));
        for (Drift drift :
            Optional.ofNullable(result.drift()).map(r -> r.drifts()).orElse(List.of())) {
          drift.changes().forEach(c -> text.append(c.oldValue()).append(c.newValue()));
          if (drift.desired() != null) {
            text.append(drift.desired().body());
          }
          if (drift.live() != null) {
            text.append(drift.live().body());
          }
        }
      }
      approvals.forEach(a -> text.append(a).append(a.diff()));
      events.forEach(e -> text.append(e).append('\n'));
      target.outputs().values().forEach(o -> text.append(o.value()).append('\n'));
      return text.toString();
    }

    @Override
    public void close() {
      if (engine != null) {
        engine.close();
      }
      target.close();
    }
  }

  @AfterEach
  void closeAndScanForSecrets() throws IOException {
    for (Fixture fixture : fixtures) {
      fixture.close();
      String reported = fixture.reported();
      assertThat(reported).as("reports").isNotEmpty().doesNotContain(TOKEN);
      assertThat(passwords(fixture)).as("generated passwords to look for").isNotEmpty();
      for (String password : passwords(fixture)) {
        assertThat(reported).as("reports").doesNotContain(password);
      }
    }
    Path log = Paths.get("target", "gitops4j-terraform-test.log");
    assertThat(log).exists();
    String logged = Files.readString(log);
    assertThat(logged).doesNotContain(TOKEN);
    for (Fixture fixture : fixtures) {
      for (String password : passwords(fixture)) {
        assertThat(logged).doesNotContain(password);
      }
    }
  }

  /** Random passwords of the fixture's state, read from the state file itself. */
  private static List<String> passwords(Fixture fixture) throws IOException {
    Path state = fixture.target.workingDirectory().resolve("terraform.tfstate");
    List<String> found = new ArrayList<>(fixture.passwords);
    if (!Files.exists(state)) {
      return found;
    }
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(state.toFile());
    for (var resource : json.path("resources")) {
      if (resource.path("type").asText().equals("random_password")) {
        for (var instance : resource.path("instances")) {
          found.add(instance.path("attributes").path("result").asText());
        }
      }
    }
    return found;
  }

  static final String VARIABLES =
      "variable \"out\" {\n  type = string\n}\n\n"
          + "variable \"token\" {\n  type      = string\n  sensitive = true\n}\n\n"
          + "variable \"greeting\" {\n  type = string\n}\n";

  static Map<String, String> config(String greeting, boolean withB) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("variables.tf", VARIABLES);
    files.put(
        "main.tf",
        "resource \"local_file\" \"a\" {\n"
            + "  filename = \"${var.out}/a.txt\"\n"
            + "  content  = var.greeting\n"
            + "}\n\n"
            + (withB
                ? "resource \"local_file\" \"b\" {\n"
                    + "  filename = \"${var.out}/b.txt\"\n"
                    + "  content  = \"b\"\n"
                    + "}\n\n"
                : "")
            + "resource \"local_sensitive_file\" \"token\" {\n"
            + "  filename = \"${var.out}/token.txt\"\n"
            + "  content  = var.token\n"
            + "}\n\n"
            + "resource \"random_password\" \"pw\" {\n"
            + "  length = 20\n"
            + "}\n\n"
            + "output \"a_path\" {\n"
            + "  value = local_file.a.filename\n"
            + "}\n\n"
            + "output \"pw\" {\n"
            + "  value     = random_password.pw.result\n"
            + "  sensitive = true\n"
            + "}\n");
    files.put("env.tfvars", "greeting = \"" + greeting + "\"\n");
    return files;
  }

  private static long count(PassResult result, Step.Action action) {
    return Optional.ofNullable(result.plan()).map(p -> p.count(action)).orElse(0L);
  }

  @Test
  void createUpdateDestroyWithOutputsAndNoSecretsAnywhere() throws Exception {
    Fixture f = new Fixture("lifecycle", b -> b.varFile("env.tfvars"));
    f.repo.commit(config("hello", true));
    f.start(SyncPolicy.automatic());

    PassResult first = f.pass();
    assertThat(first.status()).as(first.error()).isEqualTo(PassStatus.SYNCED);
    assertThat(count(first, Step.Action.CREATE)).isEqualTo(6); // 4 resources, 2 outputs
    assertThat(Files.readString(f.file("a.txt"))).isEqualTo("hello");
    assertThat(Files.readString(f.file("b.txt"))).isEqualTo("b");
    assertThat(Files.readString(f.file("token.txt"))).isEqualTo(TOKEN);
    assertThat(f.target.outputs().get("a_path").value().asText())
        .isEqualTo(f.file("a.txt").toString());
    assertThat(f.target.outputs().get("pw").sensitive()).isTrue();
    assertThat(f.target.outputs().get("pw").value().asText()).startsWith("<sensitive:");
    assertThat(f.target.binary().flavor()).isEqualTo("OpenTofu");
    assertThat(f.events)
        .extracting(TerraformEvent::type)
        .contains(
            TerraformEvent.Type.PLANNED_CHANGE,
            TerraformEvent.Type.APPLY_START,
            TerraformEvent.Type.APPLY_COMPLETE);

    PassResult again = f.pass();
    assertThat(again.status()).isEqualTo(PassStatus.IN_SYNC);
    assertThat(again.writes()).isZero();

    f.repo.commit(config("hello again", true));
    PassResult update = f.pass();
    assertThat(update.status()).as(update.error()).isEqualTo(PassStatus.SYNCED);
    assertThat(update.results())
        .extracting(r -> r.step().id())
        .containsExactly(ResourceId.of("local_file", "a"));
    assertThat(update.results().get(0).message()).startsWith("replaced");
    assertThat(Files.readString(f.file("a.txt"))).isEqualTo("hello again");

    f.repo.commit(config("hello again", false));
    PassResult removed = f.pass();
    assertThat(removed.status()).as(removed.error()).isEqualTo(PassStatus.SYNCED);
    assertThat(removed.results())
        .extracting(r -> r.step().action(), r -> r.step().id())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                Step.Action.DELETE, ResourceId.of("local_file", "b")));
    assertThat(f.file("b.txt")).doesNotExist();
    assertThat(
            f.target
                .target(APP)
                .inventoryStore()
                .load(APP)
                .contains(ResourceId.of("local_file", "b")))
        .isFalse();
    assertThat(
            f.target
                .target(APP)
                .inventoryStore()
                .load(APP)
                .contains(ResourceId.of("local_file", "a")))
        .isTrue();
  }

  @Test
  void handEditsAreReportedInDetectOnlyModeAndHealedBySelfHeal() throws Exception {
    Fixture f = new Fixture("drift", b -> b.varFile("env.tfvars"));
    f.repo.commit(config("desired", true));
    f.start(SyncPolicy.automatic());
    assertThat(f.pass().status()).isEqualTo(PassStatus.SYNCED);

    Files.writeString(f.file("a.txt"), "edited by hand");
    Files.delete(f.file("b.txt"));

    f.target.planMode(PlanMode.REFRESH_ONLY);
    f.start(SyncPolicy.detectOnly());
    PassResult detected = f.pass();
    assertThat(detected.status()).isEqualTo(PassStatus.OUT_OF_SYNC);
    assertThat(detected.drift().outOfSync())
        .extracting(Drift::id, Drift::status)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                ResourceId.of("local_file", "a"), Drift.Status.MISSING),
            org.assertj.core.groups.Tuple.tuple(
                ResourceId.of("local_file", "b"), Drift.Status.MISSING));
    assertThat(detected.writes()).isZero();
    assertThat(Files.readString(f.file("a.txt"))).isEqualTo("edited by hand");
    assertThat(f.file("b.txt")).doesNotExist();

    f.target.planMode(PlanMode.NORMAL);
    f.start(SyncPolicy.automatic());
    PassResult healed = f.pass();
    assertThat(healed.status()).as(healed.error()).isEqualTo(PassStatus.SYNCED);
    assertThat(healed.results())
        .extracting(r -> r.step().action())
        .containsOnly(Step.Action.CREATE);
    assertThat(Files.readString(f.file("a.txt"))).isEqualTo("desired");
    assertThat(Files.readString(f.file("b.txt"))).isEqualTo("b");
    assertThat(f.pass().status()).isEqualTo(PassStatus.IN_SYNC);
  }

  @Test
  void approvedPlansApplyAndStalePlansAreRefused() throws Exception {
    Fixture f = new Fixture("approval", b -> b.varFile("env.tfvars"));
    f.repo.commit(config("v1", true));
    f.start(SyncPolicy.manualApproval());

    PassResult waiting = f.pass();
    assertThat(waiting.status()).isEqualTo(PassStatus.AWAITING_APPROVAL);
    assertThat(f.file("a.txt")).doesNotExist();
    assertThat(f.approvals).hasSize(1);
    String firstId = f.approvals.get(0).planId();
    assertThat(f.approvals.get(0).diff()).contains("local_file").doesNotContain(TOKEN);

    PassResult applied = f.engine.approve(APP, firstId).get(5, TimeUnit.MINUTES);
    assertThat(applied.status()).as(applied.error()).isEqualTo(PassStatus.SYNCED);
    assertThat(applied.trigger()).isEqualTo(Trigger.APPROVAL);
    assertThat(Files.readString(f.file("a.txt"))).isEqualTo("v1");

    // Drift waits for approval; the live state moves again before the approval arrives.
    Files.delete(f.file("a.txt"));
    PassResult drifted = f.pass();
    assertThat(drifted.status()).isEqualTo(PassStatus.AWAITING_APPROVAL);
    String driftId = drifted.planId();
    Files.delete(f.file("b.txt"));

    PassResult refused = f.engine.approve(APP, driftId).get(5, TimeUnit.MINUTES);
    assertThat(refused.status()).isEqualTo(PassStatus.AWAITING_APPROVAL);
    assertThat(refused.error()).contains("stale");
    assertThat(refused.writes()).isZero();
    assertThat(refused.planId()).isNotEqualTo(driftId);
    assertThat(f.file("a.txt")).doesNotExist();

    PassResult healed = f.engine.approve(APP, refused.planId()).get(5, TimeUnit.MINUTES);
    assertThat(healed.status()).as(healed.error()).isEqualTo(PassStatus.SYNCED);
    assertThat(f.file("a.txt")).exists();
    assertThat(f.file("b.txt")).exists();
  }

  @Test
  void aHeldStateLockFailsThePassRetryablyAndTheRetrySucceeds() throws Exception {
    Fixture f = new Fixture("lock", b -> b.varFile("env.tfvars"));
    f.repo.commit(config("one", true));
    f.start(SyncPolicy.automatic());
    assertThat(f.pass().status()).isEqualTo(PassStatus.SYNCED);

    f.repo.commit(config("two", true));
    Process holder = holdStateLock(f);
    try {
      PassResult locked = f.pass();
      assertThat(locked.status()).isEqualTo(PassStatus.FAILED);
      assertThat(locked.retryable()).isTrue();
      assertThat(locked.error()).contains("state is locked");
      assertThat(Files.readString(f.file("a.txt"))).isEqualTo("one");
    } finally {
      release(holder);
    }
    assertThat(f.timers.pendingDelays()).isNotEmpty();
    f.timers.advance(Duration.ofSeconds(10));
    PassResult retried = f.results.get(f.results.size() - 1);
    assertThat(retried.trigger()).isEqualTo(Trigger.RETRY);
    assertThat(retried.status()).as(retried.error()).isEqualTo(PassStatus.SYNCED);
    assertThat(Files.readString(f.file("a.txt"))).isEqualTo("two");
  }

  /** {@code tofu console} holds the state lock while its input stays open. */
  private static Process holdStateLock(Fixture f) throws Exception {
    Testbed testbed = Testbed.get();
    ProcessBuilder builder =
        new ProcessBuilder(testbed.tofu().toString(), "console")
            .directory(f.target.workingDirectory().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("TF_CLI_CONFIG_FILE", testbed.tofuCliConfig().toString());
    builder.environment().put("TF_VAR_out", f.out.toString());
    builder.environment().put("TF_VAR_token", TOKEN);
    builder.environment().put("TF_VAR_greeting", "x");
    Process process = builder.start();
    // Wait until the lock is visibly held (the lock info file appears).
    Path info = f.target.workingDirectory().resolve(".terraform.tfstate.lock.info");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(info)) {
      assertThat(process.isAlive()).as("tofu console running").isTrue();
      assertThat(System.nanoTime()).as("lock taken in time").isLessThan(deadline);
      process.waitFor(50, TimeUnit.MILLISECONDS);
    }
    return process;
  }

  private static void release(Process holder) throws Exception {
    try (OutputStream in = holder.getOutputStream()) {
      in.write("exit\n".getBytes(StandardCharsets.UTF_8));
    } catch (IOException alreadyGone) {
      // closed: the console exits on end of input as well
    }
    if (!holder.waitFor(60, TimeUnit.SECONDS)) {
      holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void syntaxErrorsNameFileAndLineAndNothingIsApplied() throws Exception {
    Fixture f = new Fixture("syntax", b -> b.varFile("env.tfvars"));
    Map<String, String> files = config("x", true);
    files.put("broken.tf", "resource \"local_file\" \"c\" {\n  filename = \n}\n");
    f.repo.commit(files);
    f.start(SyncPolicy.automatic());

    PassResult failed = f.pass();
    assertThat(failed.status()).isEqualTo(PassStatus.FAILED);
    assertThat(failed.retryable()).isFalse();
    assertThat(failed.error()).contains("broken.tf:2").contains("Invalid expression");
    assertThat(f.file("a.txt")).doesNotExist();
    assertThat(f.target.workingDirectory().resolve("terraform.tfstate")).doesNotExist();

    f.repo.commit(config("x", true));
    PassResult fixed = f.pass();
    assertThat(fixed.status()).as(fixed.error()).isEqualTo(PassStatus.SYNCED);
    assertThat(f.target.workingDirectory().resolve("broken.tf")).doesNotExist();
  }

  @Test
  void anInSyncPassRunsOnlyPlanAndConfigurationErrorsComeFromPlanWithFileAndLine()
      throws Exception {
    // The real CLI behind a wrapper that records each subcommand it runs.
    Path calls = dir.resolve("calls.log");
    Path wrapper = dir.resolve("tofu-recording");
    Files.writeString(
        wrapper,
        "#!/bin/sh\necho \"$1\" >> '" + calls + "'\nexec '" + Testbed.get().tofu() + "' \"$@\"\n");
    wrapper.toFile().setExecutable(true);
    Fixture f = new Fixture("commands", b -> b.binary(wrapper).varFile("env.tfvars"));
    f.repo.commit(config("hello", true));
    f.start(SyncPolicy.automatic());

    PassResult first = f.pass();
    assertThat(first.status()).as(first.error()).isEqualTo(PassStatus.SYNCED);
    assertThat(Files.readAllLines(calls))
        .containsExactly("version", "init", "plan", "show", "apply");

    Files.delete(calls);
    PassResult inSync = f.pass();
    assertThat(inSync.status()).isEqualTo(PassStatus.IN_SYNC);
    assertThat(Files.readAllLines(calls)).containsExactly("plan");
    // Identities still come from the plan's stream: every resource and output is reported in sync.
    assertThat(inSync.drift().drifts())
        .extracting(Drift::id)
        .containsExactlyInAnyOrder(
            ResourceId.of("local_file", "a"),
            ResourceId.of("local_file", "b"),
            ResourceId.of("local_sensitive_file", "token"),
            ResourceId.of("random_password", "pw"),
            ResourceId.of(dev.gitops4j.terraform.internal.PlanView.OUTPUT_KIND, "a_path"),
            ResourceId.of(dev.gitops4j.terraform.internal.PlanView.OUTPUT_KIND, "pw"));
    assertThat(inSync.drift().drifts()).allMatch(d -> d.status() == Drift.Status.IN_SYNC);

    // Not a syntax error (init still succeeds, and init-relevant blocks are unchanged): plan
    // finds it, names file and line, and nothing is applied.
    Map<String, String> broken = config("hello", true);
    broken.put("main.tf", broken.get("main.tf").replace("var.greeting", "var.undeclared"));
    f.repo.commit(broken);
    Files.delete(calls);
    PassResult failed = f.pass();
    assertThat(failed.status()).isEqualTo(PassStatus.FAILED);
    assertThat(failed.retryable()).isFalse();
    assertThat(failed.error()).contains("main.tf:3").contains("undeclared");
    assertThat(Files.readAllLines(calls)).containsExactly("plan");
    assertThat(Files.readString(f.file("a.txt"))).isEqualTo("hello");
  }

  @Test
  void initAndTheVersionCheckRunOnlyWhenWhatTheyDependOnChanged() throws Exception {
    Path calls = dir.resolve("calls.log");
    Path wrapper = recordingWrapper(calls);
    Fixture f = new Fixture("init-cache", b -> b.binary(wrapper).varFile("env.tfvars"));
    f.repo.commit(config("hello", true));
    f.start(SyncPolicy.automatic());
    PassResult first = f.pass();
    assertThat(first.status()).as(first.error()).isEqualTo(PassStatus.SYNCED);
    assertThat(Files.readAllLines(calls))
        .containsExactly("version", "init", "plan", "show", "apply");

    // A resource edit changes nothing init depends on.
    Files.delete(calls);
    f.repo.commit(config("edited", true));
    PassResult edited = f.pass();
    assertThat(edited.status()).as(edited.error()).isEqualTo(PassStatus.SYNCED);
    assertThat(Files.readAllLines(calls)).containsExactly("plan", "show", "apply");

    // The lock file enters the revision: init runs again, before the plan.
    Map<String, String> locked = config("edited", true);
    locked.put(
        ".terraform.lock.hcl",
        Files.readString(f.target.workingDirectory().resolve(".terraform.lock.hcl")));
    Files.delete(calls);
    f.repo.commit(locked);
    PassResult withLock = f.pass();
    assertThat(withLock.status()).as(withLock.error()).isEqualTo(PassStatus.IN_SYNC);
    assertThat(Files.readAllLines(calls)).containsExactly("init", "plan");

    // Required providers changed (a terraform block): init again.
    locked.put(
        "versions.tf",
        "terraform {\n  required_providers {\n    local = {\n      source = \"hashicorp/local\"\n"
            + "    }\n  }\n}\n");
    Files.delete(calls);
    f.repo.commit(locked);
    PassResult withBlock = f.pass();
    assertThat(withBlock.status()).as(withBlock.error()).isEqualTo(PassStatus.IN_SYNC);
    assertThat(Files.readAllLines(calls)).containsExactly("init", "plan");

    // Another target with the same executable in this process: no second version check.
    Files.delete(calls);
    Fixture other = new Fixture("init-cache-other", b -> b.binary(wrapper).varFile("env.tfvars"));
    other.repo.commit(config("other", false));
    other.start(SyncPolicy.automatic());
    PassResult otherFirst = other.pass();
    assertThat(otherFirst.status()).as(otherFirst.error()).isEqualTo(PassStatus.SYNCED);
    assertThat(Files.readAllLines(calls)).containsExactly("init", "plan", "show", "apply");
    assertThat(other.target.binary().path()).isEqualTo(wrapper);

    // The executable replaced in place (another modification time): checked again.
    Files.setLastModifiedTime(
        wrapper, FileTime.fromMillis(Files.getLastModifiedTime(wrapper).toMillis() + 60_000));
    Files.delete(calls);
    Fixture third = new Fixture("init-cache-third", b -> b.binary(wrapper).varFile("env.tfvars"));
    third.repo.commit(config("third", false));
    third.start(SyncPolicy.automatic());
    PassResult thirdFirst = third.pass();
    assertThat(thirdFirst.status()).as(thirdFirst.error()).isEqualTo(PassStatus.SYNCED);
    assertThat(Files.readAllLines(calls)).first().isEqualTo("version");
  }

  /** The real CLI behind a wrapper that records each subcommand it runs into {@code calls}. */
  private Path recordingWrapper(Path calls) throws IOException {
    Path wrapper = dir.resolve("tofu-recording");
    Files.writeString(
        wrapper,
        "#!/bin/sh\necho \"$1\" >> '" + calls + "'\nexec '" + Testbed.get().tofu() + "' \"$@\"\n");
    assertThat(wrapper.toFile().setExecutable(true)).isTrue();
    return wrapper;
  }

  @Test
  void aProviderErrorMidApplyIsReportedAndTheNextPassConverges() throws Exception {
    Fixture f = new Fixture("provider-error", b -> b.varFile("env.tfvars"));
    Map<String, String> files = config("x", true);
    files.put(
        "blocked.tf",
        "resource \"local_file\" \"blocked\" {\n"
            + "  filename = \"${var.out}/blocker/c.txt\"\n"
            + "  content  = \"c\"\n"
            + "}\n");
    f.repo.commit(files);
    Files.writeString(f.file("blocker"), "a file where a directory is needed");
    f.start(SyncPolicy.automatic());

    PassResult failed = f.pass();
    assertThat(failed.status()).isEqualTo(PassStatus.FAILED);
    StepResult blocked =
        failed.results().stream()
            .filter(r -> r.step().id().equals(ResourceId.of("local_file", "blocked")))
            .findFirst()
            .orElseThrow();
    assertThat(blocked.outcome()).isEqualTo(StepResult.Outcome.FAILED);
    assertThat(blocked.message()).contains("blocked.tf:1").contains("not a directory");
    assertThat(f.file("a.txt")).exists(); // the rest of the plan was applied

    Files.delete(f.file("blocker"));
    PassResult converged = f.pass();
    assertThat(converged.status()).as(converged.error()).isEqualTo(PassStatus.SYNCED);
    assertThat(converged.results())
        .extracting(r -> r.step().id())
        .containsExactly(ResourceId.of("local_file", "blocked"));
    assertThat(Files.readString(f.file("blocker/c.txt"))).isEqualTo("c");
  }

  @Test
  void aPlanThatDestroysWhatTheInventoryDoesNotHoldIsRefusedBeforeAnyWrite() throws Exception {
    Fixture f = new Fixture("unowned", b -> b.varFile("env.tfvars"));
    f.repo.commit(config("mine", true));
    f.start(SyncPolicy.automatic());
    assertThat(f.pass().status()).isEqualTo(PassStatus.SYNCED);
    // local_file.b stays in the state but leaves the inventory: this application no longer owns it.
    ResourceId b = ResourceId.of("local_file", "b");
    var store = f.target.target(APP).inventoryStore();
    store.save(APP, store.load(APP).minus(List.of(b)));
    var owned = store.load(APP);

    f.repo.commit(config("changed", false)); // updates a, and the plan would destroy b
    PassResult refused = f.pass();
    assertThat(refused.status()).isEqualTo(PassStatus.FAILED);
    assertThat(refused.retryable()).isFalse();
    assertThat(refused.error())
        .contains("is invalid")
        .contains("the plan destroys local_file.b")
        .contains("does not own");
    assertThat(refused.writes()).isZero();
    assertThat(Files.readString(f.file("a.txt")))
        .as("nothing of the plan applied")
        .isEqualTo("mine");
    assertThat(f.file("b.txt")).exists();
    assertThat(store.load(APP)).isEqualTo(owned);
    // The pass's plan file went with its session.
    try (var plans = Files.list(f.target.workingDirectory().resolveSibling("plans"))) {
      assertThat(plans).isEmpty();
    }
  }

  @Test
  void destroyIsAnExplicitOptInPlannedLikeAnyOtherChange() throws Exception {
    Fixture f = new Fixture("destroy", b -> b.varFile("env.tfvars"));
    f.repo.commit(config("bye", true));
    f.start(SyncPolicy.automatic());
    assertThat(f.pass().status()).isEqualTo(PassStatus.SYNCED);
    f.passwords.addAll(passwords(f));

    f.target.planMode(PlanMode.DESTROY);
    PassResult refused = f.pass();
    assertThat(refused.status()).isEqualTo(PassStatus.FAILED);
    assertThat(refused.error()).contains("refusing to prune everything");
    assertThat(f.file("a.txt")).exists();

    f.start(SyncPolicy.custom().allowEmptyPrune(true).build());
    PassResult destroyed = f.pass();
    assertThat(destroyed.status()).as(destroyed.error()).isEqualTo(PassStatus.SYNCED);
    assertThat(destroyed.results()).allMatch(r -> r.step().action() == Step.Action.DELETE);
    assertThat(f.file("a.txt")).doesNotExist();
    assertThat(f.file("token.txt")).doesNotExist();
    assertThat(f.target.target(APP).inventoryStore().load(APP).isEmpty()).isTrue();
  }

  @Test
  void terraformWorksLikeOpenTofu() throws Exception {
    Testbed testbed = Testbed.get();
    Path terraform =
        testbed
            .terraform()
            .orElseThrow(() -> new IllegalStateException("terraform missing: run scripts/testbed"));
    Path rc = terraform.getParent().getParent().resolve("terraform.rc");
    assertThat(rc).as("terraform CLI config").exists();
    Fixture f =
        new Fixture("terraform", b -> b.binary(terraform).cliConfig(rc).varFile("env.tfvars"));
    f.repo.commit(config("from terraform", true));
    f.start(SyncPolicy.automatic());
    PassResult first = f.pass();
    assertThat(first.status()).as(first.error()).isEqualTo(PassStatus.SYNCED);
    assertThat(f.target.binary().flavor()).isEqualTo("Terraform");
    assertThat(Files.readString(f.file("a.txt"))).isEqualTo("from terraform");
    assertThat(f.pass().status()).isEqualTo(PassStatus.IN_SYNC);
  }
}
