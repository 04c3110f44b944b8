package dev.gitops4j.vm.internal;

import dev.gitops4j.vm.Transport;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Asks a host's account database ({@code getent}) through its shell, for any transport. */
public final class AccountLookup {

  private static final String MARK = "@gitops4j-unknown@";
  private static final String NO_GETENT = "@gitops4j-no-getent@";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private AccountLookup() {}

  /**
   * The names the host's {@code database} ({@code passwd} or {@code group}) does not list; numeric
   * ids are never reported, and nothing is when the host has no {@code getent}.
   */
  public static Set<String> unknown(Transport transport, String database, Set<String> names)
      throws IOException {
    List<String> named = names.stream().filter(n -> !isNumeric(n)).toList();
    if (named.isEmpty()) {
      return Set.of();
    }
    StringBuilder script =
        new StringBuilder("command -v getent >/dev/null 2>&1 || { echo ")
            .append(NO_GETENT)
            .append("; exit 0; }; for n in");
    for (String name : named) {
      script.append(' ').append(PathRules.shellQuote(name));
    }
    script
        .append("; do getent ")
        .append(database)
        .append(" \"$n\" >/dev/null || printf '")
        .append(MARK)
        .append("%s\\n' \"$n\"; done");
    Transport.ExecResult result = transport.exec(script.toString(), TIMEOUT);
    if (result.exitCode() != 0) {
      throw new IOException(
          "cannot look up "
              + database
              + " entries on host "
              + transport.host()
              + ": "
              + result.output().strip());
    }
    Set<String> unknown = new LinkedHashSet<>();
    for (String line : result.output().split("\n")) {
      if (line.strip().equals(NO_GETENT)) {
        return Set.of();
      }
      if (line.startsWith(MARK)) {
        unknown.add(line.substring(MARK.length()).strip());
      }
    }
    return unknown;
  }

  /** Whether {@code name} is a numeric id, which {@code chown} takes without a lookup. */
  public static boolean isNumeric(String name) {
    return !name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
