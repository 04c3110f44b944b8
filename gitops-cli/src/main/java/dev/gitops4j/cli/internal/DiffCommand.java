package dev.gitops4j.cli.internal;

import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.SyncPolicy;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints a unified diff of live state against Git, secrets redacted. */
@Command(
    name = "diff",
    description = {
      "Unified diff from the live target to Git (secret values redacted).",
      "Exit code: 0 in sync, 2 drift, 1 error."
    })
final class DiffCommand extends AppCommand implements Callable<Integer> {

  private static final String RED = "\u001b[31m";
  private static final String GREEN = "\u001b[32m";
  private static final String CYAN = "\u001b[36m";
  private static final String BOLD = "\u001b[1m";
  private static final String RESET = "\u001b[0m";

  @Option(
      names = "--color",
      negatable = true,
      description = "Colour the diff (default: only on a terminal).")
  Boolean color;

  DiffCommand(Context ctx) {
    super(ctx);
  }

  @Override
  public Integer call() {
    boolean colored = color != null ? color : ctx.terminal();
    try (Workspace ws = open(p -> SyncPolicy.detectOnly(), null, List.of())) {
      List<PassResult> results = ws.passOfEach();
      for (int i = 0; i < results.size(); i++) {
        PassResult result = results.get(i);
        if (result.failed() || Optional.ofNullable(result.drift()).isEmpty()) {
          Report.pass(ctx.err(), ws.units().get(i), result, false);
          continue;
        }
        String diff = ws.target(result.application()).unifiedDiff().render(result.drift());
        ctx.out().print(colored ? colorize(diff) : diff);
        ctx.out().flush();
      }
      Report.failures(ctx.err(), ws.units(), results);
      return Report.planExitCode(results);
    }
  }

  static String colorize(String diff) {
    StringBuilder out = new StringBuilder(diff.length() + 256);
    for (String line : diff.split("\n", -1)) {
      if (line.startsWith("+++") || line.startsWith("---")) {
        out.append(BOLD).append(line).append(RESET);
      } else if (line.startsWith("+")) {
        out.append(GREEN).append(line).append(RESET);
      } else if (line.startsWith("-")) {
        out.append(RED).append(line).append(RESET);
      } else if (line.startsWith("@@")) {
        out.append(CYAN).append(line).append(RESET);
      } else {
        out.append(line);
      }
      out.append('\n');
    }
    out.setLength(out.length() - 1); // split kept the text after the last newline
    return out.toString();
  }
}
