package dev.gitops4j.cli.internal;

import dev.gitops4j.cli.Main;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The root {@code gitops4j} command and the wiring of its subcommands. */
@Command(
    name = "gitops4j",
    mixinStandardHelpOptions = true,
    versionProvider = RootCommand.Version.class,
    description =
        "Reconcile live systems from Git: plan, diff, sync, watch, history, rollback, unpin,"
            + " generate.",
    footer = {"", "Exit codes: 0 success / in sync, 1 error, 2 drift (plan, diff)."})
public final class RootCommand implements Callable<Integer> {

  private final Context ctx;

  @Option(names = "--verbose", description = "Log what the library does (to stderr).")
  boolean verbose;

  private RootCommand(Context ctx) {
    this.ctx = ctx;
  }

  /** The command line over {@code out}, {@code err} and {@code env}; see {@code Main}. */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err, Map<String, String> env) {
    Context ctx = new Context(out, err, Map.copyOf(env), System.console() != null);
    CommandLine cli = new CommandLine(new RootCommand(ctx));
    cli.addSubcommand(new CommandLine(new PlanCommand(ctx)));
    cli.addSubcommand(new CommandLine(new DiffCommand(ctx)));
    cli.addSubcommand(new CommandLine(new SyncCommand(ctx)));
    cli.addSubcommand(new CommandLine(new WatchCommand(ctx)));
    CommandLine history = new CommandLine(new HistoryCommand(ctx));
    history.addSubcommand(new CommandLine(new HistoryCommand.ListRecords(ctx)));
    history.addSubcommand(new CommandLine(new HistoryCommand.ShowRecord(ctx)));
    history.addSubcommand(new CommandLine(new HistoryCommand.VerifyChain(ctx)));
    cli.addSubcommand(history);
    cli.addSubcommand(new CommandLine(new RollbackCommand(ctx)));
    cli.addSubcommand(new CommandLine(new UnpinCommand(ctx)));
    cli.addSubcommand(new CommandLine(new GenerateCommand(ctx)));
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine failed = e.getCommandLine();
          err.println("error: " + e.getMessage());
          err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help'.");
          err.flush();
          return Main.ERROR;
        });
    cli.setExecutionExceptionHandler(
        (e, command, parseResult) -> {
          String message = e.getMessage() == null ? e.toString() : e.getMessage();
          err.println("error: " + message);
          if (!(e instanceof CliException) && parseResult.hasMatchedOption("--verbose")) {
            e.printStackTrace(err);
          }
          err.flush();
          return Main.ERROR;
        });
    return cli;
  }

  @Override
  public Integer call() {
    ctx.err()
        .println("give a command: plan, diff, sync, watch, history, rollback, unpin or generate");
    new CommandLine(this).usage(ctx.err());
    return Main.ERROR;
  }

  /** Version from the jar manifest, when packaged. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = RootCommand.class.getPackage().getImplementationVersion();
      return new String[] {"gitops4j " + (v == null ? "(development build)" : v)};
    }
  }
}
