package dev.gitops4j.cli.internal;

import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.history.HistoryStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Base of the commands that reconcile applications. */
abstract class AppCommand {

  final Context ctx;

  @Mixin AppOptions apps;

  @Mixin StateOptions state;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "Timeout of one pass (default: 10m).")
  Duration timeout = Duration.ofMinutes(10);

  AppCommand(Context ctx) {
    this.ctx = ctx;
  }

  Workspace open(
      UnaryOperator<SyncPolicy> policy, HistoryStore history, List<ReconcileListener> listeners) {
    return Workspace.open(
        apps.specs(), state.stateDir, ctx.env(), policy, history, listeners, timeout, pins());
  }

  /** Revisions applications are pinned to by rollback, from the state directory. */
  Map<String, String> pins() {
    return Pins.load(state.stateDir).revisions();
  }
}
