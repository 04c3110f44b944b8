package dev.gitops4j.cli.internal;

import dev.gitops4j.cli.Main;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.history.JsonLinesHistoryStore;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.StepResult;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Applies Git to the live target once. */
@Command(
    name = "sync",
    description = {
      "Apply Git to the live target once, then exit.",
      "Exit code: 0 synced (or dry run done), 1 error."
    })
final class SyncCommand extends AppCommand implements Callable<Integer> {

  @Option(names = "--dry-run", description = "Send every change as a dry run; persist nothing.")
  boolean dryRun;

  @Option(
      names = "--force",
      description = "Take over fields another manager changed (Kubernetes conflicts) for Git.")
  boolean force;

  SyncCommand(Context ctx) {
    super(ctx);
  }

  @Override
  public Integer call() throws IOException {
    // Running sync is the approval: whatever the configured mode, this run applies.
    List<AppSpec> specs = apps.specs();
    boolean anyPrune = specs.stream().anyMatch(s -> s.policy().prune());
    Progress progress = new Progress(ctx.out(), ctx.terminal(), anyPrune);
    try (JsonLinesHistoryStore history = JsonLinesHistoryStore.open(historyFile());
        Workspace ws =
            Workspace.open(
                specs,
                state.stateDir,
                ctx.env(),
                p ->
                    p.toBuilder()
                        .mode(SyncPolicy.Mode.AUTOMATIC)
                        .selfHeal(true)
                        .dryRun(dryRun)
                        .force(force || p.force())
                        .build(),
                history,
                List.of(progress),
                timeout,
                pins())) {
      List<PassResult> results = ws.passOfEach();
      progress.finish();
      int code = Main.OK;
      for (int i = 0; i < results.size(); i++) {
        PassResult result = results.get(i);
        Report.pass(ctx.out(), ws.units().get(i), result, false);
        if (!(result.status() == PassStatus.SYNCED
            || result.status() == PassStatus.IN_SYNC
            || result.status() == PassStatus.DRY_RUN)) {
          code = Main.ERROR;
        }
      }
      Report.failures(ctx.err(), ws.units(), results);
      if (dryRun) {
        missingNamespaces(ws.units(), results);
      }
      return code;
    }
  }

  /**
   * A dry run creates nothing, so the API server refuses to dry-run objects in a namespace that
   * does not exist yet (404), even when the same sync declares that Namespace: say why.
   */
  private void missingNamespaces(List<Workspace.Unit> units, List<PassResult> results) {
    java.util.Set<String> namespaces = new java.util.TreeSet<>();
    for (int i = 0; i < results.size(); i++) {
      String type = units.get(i).spec().targetType();
      if (!type.equals("k8s") && !type.equals("kubernetes")) {
        continue;
      }
      for (StepResult step : results.get(i).results()) {
        if (step.failed()
            && step.step().action() == Step.Action.CREATE
            && step.step().id().isScoped()
            && step.message().contains("HTTP 404")) {
          namespaces.add(step.step().id().scope());
        }
      }
    }
    for (String namespace : namespaces) {
      ctx.err()
          .println(
              "note: namespace "
                  + namespace
                  + " does not exist yet. A dry run creates nothing, so the API server cannot"
                  + " check objects in it (HTTP 404), even when Git declares the Namespace. A real"
                  + " sync creates the Namespace first. With -O create-namespaces=true a dry run"
                  + " passes these objects without the server's check.");
    }
    ctx.err().flush();
  }

  private java.nio.file.Path historyFile() throws IOException {
    java.nio.file.Path file = state.history();
    if (file.toAbsolutePath().getParent() != null) {
      java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
    }
    return file;
  }
}
