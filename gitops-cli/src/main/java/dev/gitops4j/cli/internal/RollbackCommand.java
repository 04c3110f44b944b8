package dev.gitops4j.cli.internal;

import dev.gitops4j.cli.Main;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.history.JsonLinesHistoryStore;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Reconciles an application to a revision from its history. */
@Command(
    name = "rollback",
    description = {
      "Apply an earlier revision of an application, taken from its history.",
      "The next sync or watch follows the ref again. Exit code: 0 done, 1 error."
    })
final class RollbackCommand extends AppCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "APP", description = "Application name.")
  String application;

  @Parameters(index = "1", paramLabel = "REVISION", description = "Full commit id from history.")
  String revision;

  RollbackCommand(Context ctx) {
    super(ctx);
  }

  @Override
  public Integer call() throws IOException {
    List<AppSpec> specs = apps.specs().stream().filter(s -> s.name().equals(application)).toList();
    if (specs.isEmpty()) {
      throw new CliException("no application named '" + application + "'");
    }
    try (JsonLinesHistoryStore history = HistoryCommand.openExisting(state);
        Workspace ws =
            Workspace.open(
                specs,
                state.stateDir,
                ctx.env(),
                p -> p.toBuilder().mode(SyncPolicy.Mode.AUTOMATIC).selfHeal(true).build(),
                history,
                List.of(),
                timeout)) {
      PassResult result;
      try {
        result = ws.await(ws.engine().rollback(application, revision.strip()));
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
      Report.pass(ctx.out(), specs.get(0), result, true);
      return result.status() == PassStatus.SYNCED || result.status() == PassStatus.IN_SYNC
          ? Main.OK
          : Main.ERROR;
    }
  }
}
