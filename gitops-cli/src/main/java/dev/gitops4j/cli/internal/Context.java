package dev.gitops4j.cli.internal;

import java.io.PrintWriter;
import java.util.Map;

/**
 * What every command writes to and reads from.
 *
 * @param out results
 * @param err errors and progress that is not a result
 * @param env environment variables (secrets are read from here, never from flags)
 * @param terminal whether {@code out} is an interactive terminal
 */
record Context(PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal) {}
