package dev.gitops4j.cli.internal;

import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.history.JsonLinesHistoryStore;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Removes a rollback pin and reconciles the application to its ref again. */
@Command(
    name = "unpin",
    description = {
      "Remove the pin a rollback set and apply the application's ref again.",
      "Exit code: 0 done, 1 error (also when the application is not pinned)."
    })
final class UnpinCommand extends AppCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "APP", description = "Application name.")
  String application;

  UnpinCommand(Context ctx) {
    super(ctx);
  }

  @Override
  public Integer call() throws IOException {
    List<AppSpec> specs = RollbackCommand.select(apps.specs(), application);
    Pins pins = Pins.load(state.stateDir);
    String was =
        pins.get(application)
            .orElseThrow(
                () ->
                    new CliException(
                        "application '"
                            + application
                            + "' is not pinned (no pin in "
                            + pins.file()
                            + ")"))
            .revision();
    Map<String, String> remaining = new TreeMap<>(pins.revisions());
    remaining.remove(application);
    java.nio.file.Path historyFile = state.history().toAbsolutePath();
    java.nio.file.Files.createDirectories(historyFile.getParent());
    try (JsonLinesHistoryStore history = JsonLinesHistoryStore.open(historyFile);
        Workspace ws =
            Workspace.open(
                specs,
                state.stateDir,
                ctx.env(),
                p -> p.toBuilder().mode(SyncPolicy.Mode.AUTOMATIC).selfHeal(true).build(),
                history,
                List.of(),
                timeout,
                remaining)) {
      // As Engine.unpin: the pin goes first, then a pass follows the ref.
      pins.unpin(application);
      ctx.out()
          .println(
              application
                  + ": unpinned from "
                  + Report.shortId(was)
                  + "; following "
                  + specs.get(0).ref().describe());
      return RollbackCommand.passes(ctx, ws, unit -> ws.engine().unpin(unit.name()));
    }
  }
}
