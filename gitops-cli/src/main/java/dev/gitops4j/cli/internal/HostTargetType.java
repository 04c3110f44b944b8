package dev.gitops4j.cli.internal;

import dev.gitops4j.engine.Target;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.vm.SshOptions;
import dev.gitops4j.vm.VmHost;
import dev.gitops4j.vm.VmTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Files, directories and handlers of hosts, through the VM target. Two transports:
 *
 * <ul>
 *   <li>{@code root}: the machine the command runs on; {@code /etc/x} in Git lands in {@code
 *       <root>/etc/x}.
 *   <li>{@code known-hosts} (with {@code identity} and {@code allowed-roots}): the hosts of the
 *       repository's {@code inventory.yaml} over SSH, one engine application per host named {@code
 *       <application>.<host>}. Host keys not listed in known_hosts are refused.
 * </ul>
 */
final class HostTargetType implements TargetType {

  private static final Set<String> SSH_OPTIONS =
      Set.of(
          "known-hosts",
          "identity",
          "user",
          "connect-timeout",
          "operation-timeout",
          "handler-timeout",
          "allowed-roots",
          "state-directory");

  private static final Set<String> OPTIONS;

  static {
    Set<String> all = new java.util.HashSet<>(SSH_OPTIONS);
    all.add("root");
    OPTIONS = Set.copyOf(all);
  }

  private final List<VmTarget> opened = new ArrayList<>();

  @Override
  public Set<String> options() {
    return OPTIONS;
  }

  @Override
  public void check(Map<String, String> options) {
    boolean local = options.containsKey("root");
    List<String> ssh = options.keySet().stream().filter(SSH_OPTIONS::contains).sorted().toList();
    if (local && !ssh.isEmpty()) {
      throw new IllegalArgumentException(
          "option 'root' (this machine) does not combine with SSH options " + ssh);
    }
    if (!local && !options.containsKey("known-hosts")) {
      throw new IllegalArgumentException(
          ssh.isEmpty()
              ? "target type 'host' needs -O root=<directory> (this machine) or"
                  + " --ssh-known-hosts FILE (the inventory's hosts over SSH)"
              : "SSH needs a known_hosts file (--ssh-known-hosts, option 'known-hosts'):"
                  + " unknown host keys are refused");
    }
    if (local) {
      if (options.get("root").isBlank()) {
        throw new IllegalArgumentException("option 'root' must name a directory");
      }
      return;
    }
    if (list(options, "identity").isEmpty()) {
      throw new IllegalArgumentException(
          "SSH needs a private key file (--ssh-key, option 'identity')");
    }
    if (list(options, "allowed-roots").isEmpty()) {
      throw new IllegalArgumentException(
          "SSH needs at least one directory resources may be placed below (--allowed-root,"
              + " option 'allowed-roots')");
    }
    for (String key : List.of("connect-timeout", "operation-timeout", "handler-timeout")) {
      duration(options, key);
    }
    // The builders check paths (plain, absolute) and names; run them now, before any I/O.
    sshOptions(options, false);
    vmBuilder("check", options);
  }

  @Override
  public Target open(String application, Map<String, String> options, Path stateDir) {
    String root = options.get("root");
    if (root == null || root.isBlank()) {
      throw new CliException("target type 'host' needs -O root=<directory>");
    }
    VmTarget vm = VmTarget.local(Path.of(root).toAbsolutePath());
    opened.add(vm);
    return vm.target("localhost");
  }

  @Override
  public Optional<Fleet> fleet(String application, Map<String, String> options, Path stateDir) {
    if (options.containsKey("root")) {
      return Optional.empty();
    }
    SshOptions ssh = sshOptions(options, true);
    VmTarget vm = vmBuilder(application, options).ssh(ssh).build();
    opened.add(vm);
    return Optional.of(
        new Fleet() {
          @Override
          public Map<String, String> hosts(Snapshot snapshot) throws Exception {
            Map<String, String> hosts = new LinkedHashMap<>();
            for (VmHost host : vm.renderer().renderAll(snapshot).hosts().values()) {
              String user = host.user().isEmpty() ? ssh.defaultUser() : host.user();
              hosts.put(host.name(), user + "@" + host.address() + ":" + host.port());
            }
            return hosts;
          }

          @Override
          public Target target(String host) {
            return vm.target(host);
          }

          @Override
          public String explain(String error) {
            if (error.contains("did not validate")) {
              return " (its host key is not in "
                  + ssh.knownHosts()
                  + "; add the host's key there after checking its fingerprint)";
            }
            return "";
          }
        });
  }

  private static VmTarget.Builder vmBuilder(String application, Map<String, String> options) {
    VmTarget.Builder builder;
    try {
      builder = VmTarget.builder(application);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "application name '" + application + "' cannot name host state files: " + e.getMessage());
    }
    for (String root : list(options, "allowed-roots")) {
      builder.allowedRoot(root);
    }
    if (options.containsKey("state-directory")) {
      builder.stateDirectory(options.get("state-directory"));
    }
    duration(options, "handler-timeout").ifPresent(builder::handlerTimeout);
    return builder;
  }

  private static SshOptions sshOptions(Map<String, String> options, boolean checkFiles) {
    SshOptions.Builder ssh = SshOptions.custom();
    Path knownHosts = Path.of(options.get("known-hosts")).toAbsolutePath();
    if (checkFiles && !Files.isReadable(knownHosts)) {
      throw new CliException("known_hosts file " + knownHosts + " is not readable");
    }
    ssh.knownHosts(knownHosts);
    for (String key : list(options, "identity")) {
      Path file = Path.of(key).toAbsolutePath();
      if (checkFiles && !Files.isReadable(file)) {
        throw new CliException("SSH key " + file + " is not readable");
      }
      ssh.identity(file);
    }
    if (options.containsKey("user")) {
      if (options.get("user").isBlank()) {
        throw new IllegalArgumentException("option 'user' must not be blank");
      }
      ssh.defaultUser(options.get("user"));
    }
    duration(options, "connect-timeout")
        .ifPresent(
            d -> {
              ssh.connectTimeout(d);
              ssh.authTimeout(d);
            });
    duration(options, "operation-timeout").ifPresent(ssh::operationTimeout);
    return ssh.build();
  }

  private static List<String> list(Map<String, String> options, String key) {
    String value = options.get(key);
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static Optional<Duration> duration(Map<String, String> options, String key) {
    String value = options.get(key);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Durations().convert(value));
    } catch (picocli.CommandLine.TypeConversionException e) {
      throw new IllegalArgumentException("option '" + key + "': " + e.getMessage());
    }
  }

  @Override
  public void close() {
    opened.forEach(VmTarget::close);
  }
}
