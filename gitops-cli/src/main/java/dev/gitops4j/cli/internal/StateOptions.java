package dev.gitops4j.cli.internal;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the command line keeps its local state: Git cache, Terraform directories, history. */
final class StateOptions {

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "Local state: Git cache, Terraform working directories (default: .gitops4j).")
  Path stateDir = Path.of(".gitops4j");

  @Option(
      names = "--history",
      paramLabel = "FILE",
      description = "Audit trail, hash-chained JSON lines (default: <state-dir>/history.jsonl).")
  Path history;

  Path history() {
    return history != null ? history : stateDir.resolve("history.jsonl");
  }
}
