package dev.gitops4j.vm.internal;

import java.time.Duration;
import java.util.List;

/**
 * Where things are on one host.
 *
 * @param host host name, the scope of its identities
 * @param targetName names the state file
 * @param prefix physical directory host paths live under ({@code ""} for the real root)
 * @param stateDirectory host path of the state directory
 * @param allowedRoots host paths resources must be below
 * @param handlerTimeout bound on each handler command
 */
public record HostLayout(
    String host,
    String targetName,
    String prefix,
    String stateDirectory,
    List<String> allowedRoots,
    Duration handlerTimeout) {

  public HostLayout {
    allowedRoots = List.copyOf(allowedRoots);
  }

  /** Host path of the state file: {@code <stateDirectory>/<targetName>@<host>.json}. */
  public String stateFile() {
    return stateDirectory + "/" + targetName + "@" + host + ".json";
  }

  /** Where a host path is on the machine the transport reaches. */
  public String physical(String hostPath) {
    return prefix.isEmpty() ? hostPath : prefix + hostPath;
  }

  /** The host path of a physical one. */
  public String logical(String physicalPath) {
    return prefix.isEmpty() ? physicalPath : physicalPath.substring(prefix.length());
  }
}
