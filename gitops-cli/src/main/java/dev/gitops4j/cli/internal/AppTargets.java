package dev.gitops4j.cli.internal;

import dev.gitops4j.engine.Target;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.source.GitSource;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The targets of an application of the configuration file: one target, or a fleet and the hosts its
 * inventory lists at the revision the fleet will be reconciled to.
 */
final class AppTargets {

  private AppTargets() {}

  /** The fleet of hosts {@code spec} is for, or null for an application on a single target. */
  static TargetType.Fleet fleet(TargetType type, AppSpec spec, Path appState) {
    try {
      return type.fleet(spec.name(), spec.options(), appState).orElse(null);
    } catch (CliException e) {
      throw e;
    } catch (Exception e) {
      throw cannotOpen(spec, e);
    }
  }

  /** The single target of {@code spec}, its state under {@code appState}. */
  static Target target(TargetType type, AppSpec spec, Path appState) {
    try {
      return type.open(spec.name(), spec.options(), appState);
    } catch (CliException e) {
      throw e;
    } catch (Exception e) {
      throw cannotOpen(spec, e);
    }
  }

  private static CliException cannotOpen(AppSpec spec, Exception e) {
    return new CliException(
        "application '"
            + spec.name()
            + "': cannot open "
            + spec.targetType()
            + " target: "
            + e.getMessage(),
        e);
  }

  /** The hosts of the revision the fleet will be reconciled to: the pin, or the ref's head. */
  static Map<String, String> hosts(
      TargetType.Fleet fleet, AppSpec spec, GitSource source, String pinned, String credentials) {
    String what = "application '" + spec.name() + "': cannot read the hosts of ";
    Snapshot snapshot;
    try {
      snapshot = pinned == null ? source.fetch() : source.read(pinned);
    } catch (SourceException e) {
      String hint =
          e.reason() == SourceException.Reason.AUTH_FAILED
              ? " (Git credentials: " + credentials + ")"
              : "";
      throw new CliException(what + source.describe() + ": " + e.getMessage() + hint, e);
    }
    try {
      Map<String, String> hosts = fleet.hosts(snapshot);
      if (hosts.isEmpty()) {
        throw new CliException(what + "revision " + snapshot.revision() + ": no hosts");
      }
      return hosts;
    } catch (InvalidDesiredStateException e) {
      throw new CliException(
          what
              + "revision "
              + Report.shortId(snapshot.revision())
              + ":\n  "
              + e.problems().stream().map(Object::toString).collect(Collectors.joining("\n  ")),
          e);
    } catch (CliException e) {
      throw e;
    } catch (Exception e) {
      throw new CliException(what + "revision " + snapshot.revision() + ": " + e.getMessage(), e);
    }
  }
}
