package dev.gitops4j.vm;

import dev.gitops4j.diff.DiffOptions;
import dev.gitops4j.diff.IgnoreRule;
import dev.gitops4j.diff.StructuralDiffer;
import dev.gitops4j.diff.UnifiedDiff;
import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.plan.Ordering;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.render.Renderer;
import dev.gitops4j.source.Source;
import dev.gitops4j.source.SourceException;
import dev.gitops4j.vm.internal.FieldChecks;
import dev.gitops4j.vm.internal.HostInventoryStore;
import dev.gitops4j.vm.internal.HostLayout;
import dev.gitops4j.vm.internal.HostLink;
import dev.gitops4j.vm.internal.HostResourceFields;
import dev.gitops4j.vm.internal.HostSession;
import dev.gitops4j.vm.internal.HostStateFile;
import dev.gitops4j.vm.internal.LocalTransport;
import dev.gitops4j.vm.internal.PathRules;
import dev.gitops4j.vm.internal.SshClients;
import dev.gitops4j.vm.internal.SshTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.sshd.client.SshClient;

/**
 * Host and VM configuration kept equal to Git: files, directories, symlinks and absent paths, with
 * handlers that run after the paths they watch changed. One {@link Target} per host ({@link
 * #target(String)}): each host is its own application in the engine, so hosts reconcile in parallel
 * (bounded by the engine's {@code maxConcurrentPasses}), each with its own inventory, retries and
 * circuit breaker, and an unreachable host fails only its own pass. Each host has one connection,
 * opened by its first pass and kept for the next ones (see {@link SshOptions.Builder#keepAlive});
 * {@link #close()} closes the connections and the SSH client.
 *
 * <p>The simplest use, an agent on the host itself reconciling into a directory:
 *
 * <pre>{@code
 * try (VmTarget vm = VmTarget.local(Path.of("/srv/app-root"))) {
 *   Target target = vm.target("localhost");
 *   ...
 * }
 * }</pre>
 *
 * <p>Over SSH from a central service:
 *
 * <pre>{@code
 * VmTarget vm = VmTarget.builder("web")
 *     .allowedRoot("/etc/nginx")
 *     .ssh(SshOptions.custom().knownHosts(knownHosts).identity(keyFile).build())
 *     .build();
 * List<Application> apps = vm.applications("web", source, SyncPolicy.automatic(), Duration.ofMinutes(3));
 * }</pre>
 */
public final class VmTarget implements AutoCloseable {

  private final String name;
  private final VmRenderer renderer;
  private final String prefix;
  private final String stateDirectory;
  private final Duration handlerTimeout;
  private final SshOptions ssh;
  private final Function<VmHost, Transport> transports;
  private final SshClient client;
  private final StructuralDiffer differ;
  private final UnifiedDiff unifiedDiff;
  private final Map<String, VmHost> hosts = new ConcurrentHashMap<>();
  private final Map<String, Target> targets = new ConcurrentHashMap<>();
  private final Map<String, HostLink> links = new ConcurrentHashMap<>();

  private VmTarget(Builder builder) {
    this.name = builder.name;
    this.prefix = builder.rootDirectory == null ? "" : realDirectory(builder.rootDirectory);
    this.stateDirectory = builder.stateDirectory;
    this.handlerTimeout = builder.handlerTimeout;
    this.ssh = builder.ssh;
    this.transports = builder.transports;
    VmRenderer.Builder render =
        VmRenderer.custom()
            .inventoryFile(builder.inventoryFile)
            .filesDirectory(builder.filesDirectory)
            .defaultHost(builder.defaultHost)
            .reservedPath(builder.stateDirectory);
    builder.allowedRoots.forEach(render::allowedRoot);
    this.renderer = render.build();
    DiffOptions options =
        DiffOptions.custom()
            // Content is compared by its SHA-256 and never shown; onChange is wiring, not state.
            .ignore(
                IgnoreRule.of("/" + HostResourceFields.CONTENT),
                IgnoreRule.of("/" + HostResourceFields.ON_CHANGE))
            .build();
    this.differ = StructuralDiffer.of(options);
    this.unifiedDiff = UnifiedDiff.custom().options(options).sortKeys(true).build();
    this.client = ssh == null ? null : SshClients.start(ssh);
  }

  /**
   * Starts a VM target.
   *
   * @param name names this set of managed paths on each host: the state file is {@code
   *     <stateDirectory>/<name>@<host>.json}
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * The machine the process runs on, managing paths under {@code directory}: a path {@code
   * /etc/app.conf} in Git is written to {@code directory/etc/app.conf}; the state file lives in
   * {@code directory/.gitops4j}. Handlers run with {@code /bin/sh}. The repository needs no
   * inventory file; its resources apply to the host {@code localhost}, whose core target is {@code
   * target("localhost")}.
   */
  public static VmTarget local(Path directory) {
    return builder("local")
        .rootDirectory(directory)
        .allowedRoot("/")
        .stateDirectory("/.gitops4j")
        .build();
  }

  /** The renderer every host target shares. */
  public VmRenderer renderer() {
    return renderer;
  }

  /** The differ every host target shares: content compared by hash, never shown. */
  public StructuralDiffer differ() {
    return differ;
  }

  /**
   * The core target for one host of the inventory (or the default host without one); asking twice
   * for one host gives the same target. Its renderer validates the whole repository, so a bad path
   * for any host stops every host.
   *
   * @throws IllegalArgumentException when {@code host} is not a valid host name
   */
  public Target target(String host) {
    if (!FieldChecks.NAME.matcher(Objects.requireNonNull(host, "host")).matches()) {
      throw new IllegalArgumentException("invalid host name: " + host);
    }
    return targets.computeIfAbsent(host, this::newTarget);
  }

  private Target newTarget(String host) {
    HostLayout layout =
        new HostLayout(host, name, prefix, stateDirectory, renderer.allowedRoots(), handlerTimeout);
    HostLink.Connector connector =
        new HostLink.Connector() {
          @Override
          public Transport connect() throws IOException {
            return VmTarget.this.connect(host);
          }

          @Override
          public Object endpoint() {
            VmHost spec = hosts.get(host);
            return spec == null ? null : spec.user() + "@" + spec.address() + ":" + spec.port();
          }
        };
    HostLink link = new HostLink(host, connector, ssh == null || !ssh.keepAlive().isZero());
    links.put(host, link);
    HostStateFile stateFile = new HostStateFile(layout);
    Renderer hostRenderer =
        snapshot -> {
          VmRenderer.Rendered rendered = renderer.renderAll(snapshot);
          hosts.putAll(rendered.hosts());
          hosts.keySet().retainAll(rendered.hosts().keySet());
          List<DesiredResource> mine =
              rendered.desired().resources().values().stream()
                  .filter(r -> host.equals(r.id().scope()))
                  .toList();
          return DesiredState.of(rendered.desired().revision(), mine);
        };
    String endpoint =
        ssh == null
            ? "local:" + (prefix.isEmpty() ? "/" : prefix) + "#" + host
            : "ssh:" + name + "@" + host;
    return Target.builder(endpoint)
        .renderer(hostRenderer)
        .sessions(HostSession.factory(layout, link, stateFile, differ))
        .ordering(ORDERING)
        .inventoryStore(new HostInventoryStore(layout, link, stateFile))
        .unifiedDiff(unifiedDiff)
        .build();
  }

  /**
   * Reads the current revision of {@code source} and returns one application per host of its
   * inventory, named {@code <prefix>.<host>}, each on {@link #target(String) target(host)}. Hosts
   * added to Git later need a new application (call again and register the new ones).
   */
  public List<Application> applications(
      String prefix, Source source, SyncPolicy policy, Duration interval)
      throws SourceException, InvalidDesiredStateException {
    VmRenderer.Rendered rendered = renderer.renderAll(source.fetch());
    hosts.putAll(rendered.hosts());
    List<Application> apps = new ArrayList<>();
    for (String host : rendered.hosts().keySet()) {
      apps.add(
          Application.builder(prefix + "." + host)
              .source(source)
              .target(target(host))
              .policy(policy)
              .interval(interval)
              .build());
    }
    return apps;
  }

  private Transport connect(String host) throws IOException {
    VmHost spec = hosts.get(host);
    if (spec == null) {
      if (ssh == null) {
        spec = VmHost.local(host);
      } else {
        throw new IOException(
            "host " + host + " is not in the inventory of the last rendered revision");
      }
    }
    if (transports != null) {
      return transports.apply(spec);
    }
    if (ssh == null) {
      return new LocalTransport(host);
    }
    return SshTransport.connect(client, spec, ssh);
  }

  /** Directories first, parents before children; handlers after everything they watch. */
  private static final Ordering ORDERING =
      (id, body) -> {
        if (id.kind().equals(HostResourceFields.HANDLER)) {
          return 1_000_000;
        }
        int depth = (int) id.name().chars().filter(c -> c == '/').count();
        int rank =
            switch (id.kind()) {
              case HostResourceFields.DIRECTORY -> 0;
              case HostResourceFields.SYMLINK -> 1;
              case HostResourceFields.FILE -> 2;
              default -> 3;
            };
        return depth * 4 + rank;
      };

  private static String realDirectory(Path directory) {
    try {
      Files.createDirectories(directory);
      return directory.toRealPath().toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use " + directory + " as root directory", e);
    }
  }

  /** Closes open connections and the SSH client. */
  @Override
  public void close() {
    links.values().forEach(HostLink::close);
    if (client != null) {
      try {
        client.stop();
      } catch (RuntimeException ignored) {
        // Best effort on shutdown.
      }
    }
  }

  /** Builds a {@link VmTarget}; at least one allowed root is required. */
  public static final class Builder {
    private final String name;
    private final List<String> allowedRoots = new ArrayList<>();
    private String stateDirectory = "/var/lib/gitops4j";
    private Path rootDirectory;
    private String inventoryFile = "inventory.yaml";
    private String filesDirectory = "files";
    private String defaultHost = "localhost";
    private Duration handlerTimeout = Duration.ofMinutes(5);
    private SshOptions ssh;
    private Function<VmHost, Transport> transports;

    private Builder(String name) {
      if (!FieldChecks.NAME.matcher(Objects.requireNonNull(name, "name")).matches()) {
        throw new IllegalArgumentException("target name must match " + FieldChecks.NAME.pattern());
      }
      this.name = name;
    }

    /** A host directory resources may be placed below; anything outside is refused. */
    public Builder allowedRoot(String root) {
      String bad = PathRules.checkPlain(Objects.requireNonNull(root, "root"));
      if (bad != null) {
        throw new IllegalArgumentException("allowed root: " + bad);
      }
      allowedRoots.add(root);
      return this;
    }

    /** Host directory of the state files (default {@code /var/lib/gitops4j}). */
    public Builder stateDirectory(String directory) {
      String bad = PathRules.checkPlain(Objects.requireNonNull(directory, "directory"));
      if (bad != null) {
        throw new IllegalArgumentException("state directory: " + bad);
      }
      this.stateDirectory = directory;
      return this;
    }

    /**
     * Local transport only: host paths are placed under this directory, like a chroot ({@code
     * /etc/x} goes to {@code directory/etc/x}). Useful for agents managing a tree and for tests.
     */
    public Builder rootDirectory(Path directory) {
      this.rootDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    public Builder inventoryFile(String path) {
      this.inventoryFile = Objects.requireNonNull(path, "path");
      return this;
    }

    public Builder filesDirectory(String path) {
      this.filesDirectory = Objects.requireNonNull(path, "path");
      return this;
    }

    /** Host of a repository without inventory file (default {@code localhost}). */
    public Builder defaultHost(String host) {
      this.defaultHost = Objects.requireNonNull(host, "host");
      return this;
    }

    /** Bound on each handler command (default 5 minutes). */
    public Builder handlerTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("handler timeout must be positive");
      }
      this.handlerTimeout = timeout;
      return this;
    }

    /** Reach hosts over SSH; without it the target writes to the local machine. */
    public Builder ssh(SshOptions options) {
      this.ssh = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * A transport of your own per host (another protocol, or fault injection in tests). It is kept
     * from one pass to the next while {@link Transport#isOpen()} says it works (unless {@link #ssh}
     * options set {@code keepAlive(Duration.ZERO)}), and closed after a pass on which one of its
     * operations failed.
     */
    public Builder transport(Function<VmHost, Transport> factory) {
      this.transports = Objects.requireNonNull(factory, "factory");
      return this;
    }

    public VmTarget build() {
      if (allowedRoots.isEmpty()) {
        throw new IllegalStateException("at least one allowed root is required");
      }
      if (rootDirectory != null && ssh != null) {
        throw new IllegalStateException("rootDirectory applies to the local transport only");
      }
      return new VmTarget(this);
    }
  }
}
