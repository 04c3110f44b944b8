package dev.gitops4j.cli.internal;

import dev.gitops4j.cli.Main;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.history.HistoryStore;
import dev.gitops4j.history.JsonLinesHistoryStore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Pins an application to a revision from its history and reconciles to it. */
@Command(
    name = "rollback",
    description = {
      "Pin an application to an earlier revision from its history and apply it.",
      "The pin is kept in the state directory: later sync, plan, diff and watch runs stay at",
      "that revision until 'gitops4j unpin APP'. Exit code: 0 done, 1 error."
    })
final class RollbackCommand extends AppCommand implements Callable<Integer> {

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

  @Parameters(index = "0", paramLabel = "APP", description = "Application name.")
  String application;

  @Parameters(index = "1", paramLabel = "REVISION", description = "Full commit id from history.")
  String revision;

  RollbackCommand(Context ctx) {
    super(ctx);
  }

  @Override
  public Integer call() throws IOException {
    String rev = revision.strip().toLowerCase(java.util.Locale.ROOT);
    if (!COMMIT.matcher(rev).matches()) {
      throw new CliException(
          "REVISION must be a full 40-character commit id, was '" + revision + "'");
    }
    List<AppSpec> specs = select(apps.specs(), application);
    Pins pins = Pins.load(state.stateDir);
    Map<String, String> pinned = new TreeMap<>(pins.revisions());
    pinned.put(application, rev);
    try (JsonLinesHistoryStore history = HistoryCommand.openExisting(state);
        Workspace ws =
            Workspace.open(
                specs,
                state.stateDir,
                ctx.env(),
                p -> p.toBuilder().mode(SyncPolicy.Mode.AUTOMATIC).selfHeal(true).build(),
                history,
                List.of(),
                timeout,
                pinned)) {
      // Every host of a fleet must know the revision before any is pinned.
      for (Workspace.Unit unit : ws.units()) {
        if (!inHistory(history, unit.name(), rev)) {
          throw new CliException(
              "revision "
                  + rev
                  + " is not in the history of "
                  + unit.name()
                  + " ("
                  + state.history()
                  + "); see 'gitops4j history list "
                  + unit.name()
                  + "'");
        }
      }
      pins.pin(application, rev, Instant.now());
      ctx.out()
          .println(
              application
                  + ": pinned to "
                  + Report.shortId(rev)
                  + " ("
                  + pins.file()
                  + "); 'gitops4j unpin "
                  + application
                  + "' follows the ref again");
      return passes(ctx, ws, ws::pass);
    }
  }

  static List<AppSpec> select(List<AppSpec> specs, String application) {
    List<AppSpec> selected = specs.stream().filter(s -> s.name().equals(application)).toList();
    if (selected.isEmpty()) {
      throw new CliException(
          "no application named '"
              + application
              + "' (known: "
              + String.join(", ", specs.stream().map(AppSpec::name).toList())
              + ")");
    }
    return selected;
  }

  /** Runs one pass per unit, reports each, and exits 0 only when every one is in sync. */
  static int passes(
      Context ctx,
      Workspace ws,
      java.util.function.Function<Workspace.Unit, CompletableFuture<PassResult>> pass) {
    List<CompletableFuture<PassResult>> futures = new ArrayList<>();
    for (Workspace.Unit unit : ws.units()) {
      futures.add(pass.apply(unit));
    }
    List<PassResult> results = new ArrayList<>();
    int code = Main.OK;
    for (int i = 0; i < futures.size(); i++) {
      PassResult result = ws.await(futures.get(i));
      results.add(result);
      Report.pass(ctx.out(), ws.units().get(i), result, true);
      if (result.status() != PassStatus.SYNCED && result.status() != PassStatus.IN_SYNC) {
        code = Main.ERROR;
      }
    }
    Report.failures(ctx.err(), ws.units(), results);
    return code;
  }

  private static boolean inHistory(HistoryStore history, String application, String revision)
      throws IOException {
    for (HistoryRecord record : history.list(application, Integer.MAX_VALUE)) {
      if (record.revision().equals(revision)) {
        return true;
      }
    }
    return false;
  }
}
