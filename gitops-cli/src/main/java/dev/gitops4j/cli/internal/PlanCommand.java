package dev.gitops4j.cli.internal;

import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.SyncPolicy;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Computes what a sync would do, without writing. */
@Command(
    name = "plan",
    description = {
      "Show what a sync would change, without writing anything.",
      "Exit code: 0 in sync, 2 drift, 1 error."
    })
final class PlanCommand extends AppCommand implements Callable<Integer> {

  PlanCommand(Context ctx) {
    super(ctx);
  }

  @Override
  public Integer call() {
    try (Workspace ws = open(p -> SyncPolicy.detectOnly(), null, List.of())) {
      List<PassResult> results = ws.passOfEach();
      for (int i = 0; i < results.size(); i++) {
        Report.pass(ctx.out(), ws.units().get(i), results.get(i), true);
      }
      Report.failures(ctx.err(), ws.units(), results);
      return Report.planExitCode(results);
    }
  }
}
