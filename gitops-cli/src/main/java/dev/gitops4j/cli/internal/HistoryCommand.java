package dev.gitops4j.cli.internal;

import dev.gitops4j.cli.Main;
import dev.gitops4j.history.HistoryRecord;
import dev.gitops4j.history.HistoryStore;
import dev.gitops4j.history.JsonLinesHistoryStore;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Reads and checks the audit trail. */
@Command(name = "history", description = "Read and verify the audit trail: list, show, verify.")
final class HistoryCommand implements Callable<Integer> {

  private final Context ctx;

  HistoryCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    ctx.err().println("give a subcommand: list, show or verify");
    return Main.ERROR;
  }

  static JsonLinesHistoryStore openExisting(StateOptions state) throws IOException {
    if (!Files.isRegularFile(state.history())) {
      throw new CliException("no history at " + state.history() + " (see --history)");
    }
    return JsonLinesHistoryStore.open(state.history());
  }

  @Command(
      name = "list",
      description = "Passes of an application that changed something, newest first.")
  static final class ListRecords implements Callable<Integer> {
    private final Context ctx;

    @Mixin StateOptions state;

    @Parameters(index = "0", paramLabel = "APP", description = "Application name.")
    String application;

    @Option(
        names = {"-n", "--limit"},
        description = "At most this many records (default: 20).")
    int limit = 20;

    ListRecords(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
      try (JsonLinesHistoryStore store = openExisting(state)) {
        java.util.List<HistoryRecord> records = store.list(application, limit);
        int n = 1;
        for (HistoryRecord r : records) {
          ctx.out()
              .printf(
                  "%3d  %s  %-10s %-8s %s  %s%s%n",
                  n++,
                  r.time(),
                  r.status(),
                  r.trigger(),
                  r.revision().isEmpty() ? "-" : Report.shortId(r.revision()),
                  r.planSummary(),
                  r.error().isEmpty() ? "" : "  error: " + r.error());
        }
        if (records.isEmpty()) {
          ctx.err().println("no records for " + application);
        }
        ctx.out().flush();
        return Main.OK;
      }
    }
  }

  @Command(name = "show", description = "One record in full; 1 is the newest (default).")
  static final class ShowRecord implements Callable<Integer> {
    private final Context ctx;

    @Mixin StateOptions state;

    @Parameters(index = "0", paramLabel = "APP", description = "Application name.")
    String application;

    @Parameters(
        index = "1",
        paramLabel = "N",
        arity = "0..1",
        description = "Position, newest = 1.")
    int position = 1;

    ShowRecord(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
      if (position < 1) {
        throw new CliException("N must be 1 or more");
      }
      try (JsonLinesHistoryStore store = openExisting(state)) {
        java.util.List<HistoryRecord> records = store.list(application, position);
        if (records.size() < position) {
          throw new CliException(
              application + " has " + records.size() + " record(s) in " + state.history());
        }
        HistoryRecord r = records.get(position - 1);
        var out = ctx.out();
        out.println("application: " + r.application());
        out.println("time:        " + r.time());
        out.println("trigger:     " + r.trigger());
        out.println("status:      " + r.status());
        out.println("revision:    " + r.revision());
        if (!r.inputs().isEmpty()) {
          out.println("inputs:      " + r.inputs());
        }
        out.println("author:      " + r.author());
        out.println("committer:   " + r.committer());
        out.println("signature:   " + r.signature());
        out.println("plan:        " + r.planSummary());
        out.println("duration:    " + r.duration());
        if (!r.error().isEmpty()) {
          out.println("error:       " + r.error());
        }
        for (HistoryRecord.ChangeOutcome c : r.changes()) {
          out.println(
              "  "
                  + c.outcome()
                  + " "
                  + c.action()
                  + " "
                  + c.resource()
                  + (c.message().isEmpty() ? "" : ": " + c.message()));
        }
        if (!r.diff().isEmpty()) {
          out.println();
          out.print(r.diff());
        }
        out.flush();
        return Main.OK;
      }
    }
  }

  @Command(
      name = "verify",
      description = {"Check the hash chain of the trail.", "Exit code: 0 intact, 1 broken."})
  static final class VerifyChain implements Callable<Integer> {
    private final Context ctx;

    @Mixin StateOptions state;

    VerifyChain(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
      if (!Files.isRegularFile(state.history())) {
        throw new CliException("no history at " + state.history() + " (see --history)");
      }
      HistoryStore.Verification v = JsonLinesHistoryStore.verify(state.history());
      if (v.intact()) {
        ctx.out().println(state.history() + ": intact, " + v.records() + " record(s)");
        ctx.out().flush();
        return Main.OK;
      }
      ctx.out()
          .println(
              state.history()
                  + ":"
                  + v.firstBadLine()
                  + ": chain broken: "
                  + v.reason()
                  + " ("
                  + v.records()
                  + " record(s) checked)");
      ctx.out().flush();
      return Main.ERROR;
    }
  }
}
