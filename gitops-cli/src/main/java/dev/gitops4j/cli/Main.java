package dev.gitops4j.cli;

import dev.gitops4j.cli.internal.RootCommand;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/** Entry point of the {@code gitops4j} command line. */
public final class Main {

  /** Success; for {@code plan} and {@code diff}: the live target matches Git. */
  public static final int OK = 0;

  /** Something failed: bad flags, a bad configuration file, an unreachable source or target. */
  public static final int ERROR = 1;

  /** {@code plan} or {@code diff} found drift: applying Git would change the live target. */
  public static final int DRIFT = 2;

  private Main() {}

  public static void main(String[] args) {
    boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
    // Library progress goes to the log; keep a terminal quiet unless asked.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    Thread main = Thread.currentThread();
    Thread stopper = new Thread(() -> stop(main), "gitops4j-shutdown");
    Runtime.getRuntime().addShutdownHook(stopper);
    int code =
        commandLine(
                new PrintWriter(System.out, true),
                new PrintWriter(System.err, true),
                System.getenv())
            .execute(args);
    try {
      Runtime.getRuntime().removeShutdownHook(stopper);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running; it waits for us
    }
    System.exit(code);
  }

  /**
   * The command line, writing to {@code out} and {@code err} and reading secrets from {@code env}.
   * A running {@code watch} stops when its thread is interrupted.
   */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err, Map<String, String> env) {
    return RootCommand.commandLine(out, err, env);
  }

  // A signal interrupts the command so that watch closes its engine and server cleanly.
  private static void stop(Thread main) {
    main.interrupt();
    try {
      main.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
