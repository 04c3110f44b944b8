/**
 * The {@code gitops4j} command line: {@code plan}, {@code diff}, {@code sync}, {@code watch},
 * {@code history} and {@code rollback} over applications given by flags or a YAML file.
 *
 * <p>Run it as {@code java -jar gitops4j.jar <command>}; {@link dev.gitops4j.cli.Main} is the entry
 * point, and {@link dev.gitops4j.cli.Main#commandLine} builds the same command line in process.
 * Exit codes: 0 success or in sync, 1 error (bad flags and bad files included), 2 drift found by
 * {@code plan} or {@code diff}.
 */
package dev.gitops4j.cli;
