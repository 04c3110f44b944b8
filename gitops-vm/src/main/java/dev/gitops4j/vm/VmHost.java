package dev.gitops4j.vm;

import java.util.Map;
import java.util.Objects;

/**
 * One host of the inventory file. Credentials are never part of it: they come from {@link
 * SshOptions}.
 *
 * @param name unique name, the scope of the host's resource identities
 * @param address host name or IP to connect to (defaults to the name)
 * @param port SSH port (default 22)
 * @param user login user, or empty for the one configured in code
 * @param vars variables of the host, its groups' merged under its own
 */
public record VmHost(String name, String address, int port, String user, Map<String, String> vars) {

  public VmHost {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    user = user == null ? "" : user;
    vars = Map.copyOf(vars);
  }

  /** A host reached without a network: the one the agent runs on. */
  public static VmHost local(String name) {
    return new VmHost(name, "localhost", 22, "", Map.of());
  }

  @Override
  public String toString() {
    return name + " (" + (user.isEmpty() ? "" : user + "@") + address + ":" + port + ")";
  }
}
