package dev.gitops4j.k8s;

import dev.gitops4j.diff.IgnoreRule;
import dev.gitops4j.diff.UnifiedDiff;
import dev.gitops4j.engine.Target;
import dev.gitops4j.health.HealthCheck;
import dev.gitops4j.k8s.health.KubernetesHealthChecks;
import dev.gitops4j.k8s.internal.ApplicationState;
import dev.gitops4j.k8s.internal.Cluster;
import dev.gitops4j.k8s.internal.Comparison;
import dev.gitops4j.k8s.internal.ConfigMapInventoryStore;
import dev.gitops4j.k8s.internal.KindOrdering;
import dev.gitops4j.k8s.internal.KubeRenderer;
import dev.gitops4j.k8s.internal.KubeSession;
import dev.gitops4j.k8s.internal.KubeTargetSettings;
import dev.gitops4j.k8s.internal.OwnershipMarks;
import dev.gitops4j.sops.SopsDecryptor;
import dev.gitops4j.sops.SopsKeys;
import dev.gitops4j.state.StateStore;
import dev.gitops4j.sync.InventoryStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * One Kubernetes cluster as a gitops4j target: manifests or kustomizations rendered and validated,
 * server-side apply with a field manager, drift found by dry-run applies with a request-free fast
 * path, the inventory in a ConfigMap, kind-aware ordering and watch-driven self-heal.
 *
 * <pre>{@code
 * KubernetesTarget cluster = KubernetesTarget.builder(client)
 *     .fieldManager("gitops4j")
 *     .inventoryNamespace("gitops4j-system")
 *     .defaultNamespace("shop")
 *     .build();
 * Application shop = Application.builder("shop")
 *     .source(source)
 *     .target(cluster.target("shop"))
 *     .policy(SyncPolicy.automatic())
 *     .build();
 * }</pre>
 *
 * <p>{@link #target(String)} hands out the {@link Target} of one application (the ownership label
 * carries its name); targets of one cluster share discovery and what was last applied. Thread-safe.
 */
public final class KubernetesTarget implements AutoCloseable {

  /** Ownership label: the name of the application that owns an object. */
  public static final String APPLICATION_LABEL = "gitops4j.dev/application";

  /** Annotation holding the hash of the declared body last applied. */
  public static final String APPLIED_HASH_ANNOTATION = "gitops4j.dev/applied-hash";

  /** JSON Pointer of the explicit wave annotation {@code gitops4j.dev/wave}. */
  public static final String WAVE_FIELD = "/metadata/annotations/gitops4j.dev~1wave";

  private final Cluster cluster;
  private final String endpoint;
  private final InventoryStore inventoryStore;
  private final List<HealthCheck> healthChecks;
  private final Map<String, Made> targets = new ConcurrentHashMap<>();
  private final List<ApplicationState> applications = new CopyOnWriteArrayList<>();

  private KubernetesTarget(
      KubernetesClient client,
      KubeTargetSettings settings,
      StateStore state,
      List<HealthCheck> healthChecks) {
    this.healthChecks = List.copyOf(healthChecks);
    this.cluster = new Cluster(client, settings, state);
    this.endpoint = client.getMasterUrl().toString();
    this.inventoryStore = new ConfigMapInventoryStore(cluster);
  }

  /** Starts a target over {@code client}; the client stays the caller's to close. */
  public static Builder builder(KubernetesClient client) {
    return new Builder(client);
  }

  /** The API server URL. */
  public String endpoint() {
    return endpoint;
  }

  /** The ConfigMap-backed inventory store of this cluster. */
  public InventoryStore inventoryStore() {
    return inventoryStore;
  }

  /**
   * The target of {@code application}: the engine application of the same name must use it (a pass
   * of another application is refused, since ownership labels name the application). Asking twice
   * for one application gives the same target.
   *
   * @throws IllegalArgumentException when the name cannot be a label value
   */
  public Target target(String application) {
    return target(application, null);
  }

  /**
   * The target of {@code application} whose revisions are rendered with {@code helm template} as
   * {@code release} describes (see docs/helm.md); otherwise like {@link #target(String)}.
   *
   * @throws IllegalArgumentException when the name cannot be a label value, or the application
   *     already has a target rendered differently
   */
  public Target target(String application, HelmRelease release) {
    OwnershipMarks.requireApplicationName(application);
    Made made = targets.computeIfAbsent(application, a -> new Made(release, newTarget(a, release)));
    if (made.release() != release) {
      throw new IllegalArgumentException(
          "application "
              + application
              + " already has a target of this cluster, rendered"
              + " differently");
    }
    return made.target();
  }

  private record Made(HelmRelease release, Target target) {}

  private Target newTarget(String application, HelmRelease release) {
    ApplicationState app =
        new ApplicationState(application, cluster, KubernetesHealthChecks.composite(healthChecks));
    applications.add(app);
    Target.Builder target =
        Target.builder(endpoint)
            .renderer(
                release == null
                    ? new KubeRenderer(cluster.settings(), cluster.discovery())
                    : new KubeRenderer(cluster, release))
            .sessions(context -> new KubeSession(app, context))
            .ordering(new KindOrdering())
            .inventoryStore(inventoryStore)
            .events(app.events())
            .waveField(WAVE_FIELD)
            .unifiedDiff(
                UnifiedDiff.custom()
                    .options(Comparison.diffOptions(cluster.settings().ignoreRules()))
                    .build());
    healthChecks.forEach(target::healthCheck);
    return target.build();
  }

  /** Stops the watches of every application's target; the client stays the caller's to close. */
  @Override
  public void close() {
    applications.forEach(ApplicationState::close);
  }

  /** Builder for {@link KubernetesTarget}; every setter checks its input at once. */
  public static final class Builder {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private final KubernetesClient client;
    private String fieldManager = "gitops4j";
    private String inventoryNamespace = "gitops4j-system";
    private String defaultNamespace = "default";
    private boolean createNamespaces;
    private boolean force;
    private DeletePropagation deletePropagation = DeletePropagation.BACKGROUND;
    private Path kubectl;
    private Path helm;
    private Path chartCache = defaultChartCache();
    private final List<IgnoreRule> ignoreRules = new ArrayList<>();
    private final List<String> ignoredManagers = new ArrayList<>();
    private final List<String> allowedNamespaces = new ArrayList<>();
    private final List<String> allowedKinds = new ArrayList<>();
    private Duration establishTimeout = Duration.ofSeconds(60);
    private int listThreshold = 10;
    private String impersonateUser;
    private List<String> impersonateGroups = List.of();
    private final List<HealthCheck> customHealthChecks = new ArrayList<>();
    private StateStore state;
    private SopsDecryptor decryptor;
    private Substitution substitution;

    private Builder(KubernetesClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** Field manager of server-side applies (default {@code gitops4j}). */
    public Builder fieldManager(String fieldManager) {
      this.fieldManager = requireText(fieldManager, "fieldManager");
      return this;
    }

    /**
     * Namespace of the inventory ConfigMaps (default {@code gitops4j-system}); created if missing.
     */
    public Builder inventoryNamespace(String namespace) {
      this.inventoryNamespace = requireNamespace(namespace);
      return this;
    }

    /** Namespace of namespaced objects that declare none (default {@code default}). */
    public Builder defaultNamespace(String namespace) {
      this.defaultNamespace = requireNamespace(namespace);
      return this;
    }

    /** Creates a missing namespace an object is applied to (default off). */
    public Builder createNamespaces(boolean createNamespaces) {
      this.createNamespaces = createNamespaces;
      return this;
    }

    /**
     * Always resolves conflicts in favour of Git: takes fields over from other field managers and
     * deletes and re-creates objects whose immutable fields changed. Off by default; a sync
     * policy's {@code force} turns it on per application too.
     */
    public Builder force(boolean force) {
      this.force = force;
      return this;
    }

    public Builder deletePropagation(DeletePropagation propagation) {
      this.deletePropagation = Objects.requireNonNull(propagation, "propagation");
      return this;
    }

    /** The helm binary that renders {@link HelmRelease}s (no default: Helm is opt-in). */
    public Builder helm(Path helm) {
      this.helm = Objects.requireNonNull(helm, "helm");
      return this;
    }

    /**
     * Folder where charts from Helm repositories and OCI registries are kept, one file per digest
     * (default {@code $XDG_CACHE_HOME/gitops4j/charts}, else {@code ~/.cache/gitops4j/charts}).
     * Several targets and processes may share it: files are written atomically and verified against
     * their digest when used.
     */
    public Builder chartCache(Path folder) {
      this.chartCache = Objects.requireNonNull(folder, "folder");
      return this;
    }

    private static Path defaultChartCache() {
      String xdg = System.getenv("XDG_CACHE_HOME");
      Path base =
          xdg != null && !xdg.isBlank()
              ? Path.of(xdg)
              : Path.of(System.getProperty("user.home"), ".cache");
      return base.resolve("gitops4j").resolve("charts");
    }

    /** The kubectl used to build kustomizations (default: {@code kubectl} on the PATH). */
    public Builder kubectl(Path kubectl) {
      this.kubectl = Objects.requireNonNull(kubectl, "kubectl");
      return this;
    }

    /**
     * Decrypts the SOPS-encrypted files (YAML, JSON, dotenv, binary) of each revision with {@code
     * keys} before anything is built (default: none, and encrypted files are applied as they are
     * written). Only Secrets may hold encrypted values, since only their values are redacted in
     * diffs, history and events; a file that does not decrypt makes the revision invalid. See
     * docs/sops.md.
     */
    public Builder decryption(SopsKeys keys) {
      this.decryptor = SopsDecryptor.custom(keys).onlyKinds("Secret").build();
      return this;
    }

    /**
     * Substitutes {@code ${var}} variables into plain manifests and the kustomize output, after the
     * build (default: none). Helm releases are not substituted. A variable source that throws fails
     * the pass as a retryable target error.
     */
    public Builder substitute(Substitution substitution) {
      this.substitution = Objects.requireNonNull(substitution, "substitution");
      return this;
    }

    /** Locations never compared, e.g. {@code IgnoreRule.of("/spec/replicas").forKind("apps/*")}. */
    public Builder ignore(IgnoreRule... rules) {
      Arrays.stream(rules).map(r -> Objects.requireNonNull(r, "rule")).forEach(ignoreRules::add);
      return this;
    }

    /**
     * Ignores the fields that these field managers own on live objects (globs, e.g. {@code
     * kube-controller-manager} for an autoscaler's replicas): they are not compared and are left
     * out of updates, so Git does not fight them.
     */
    public Builder ignoreFieldsOwnedBy(String... managerGlobs) {
      for (String glob : managerGlobs) {
        ignoredManagers.add(requireText(glob, "manager glob"));
      }
      return this;
    }

    /** Namespaces (globs) objects may be applied to; none set allows every namespace. */
    public Builder allowNamespaces(String... globs) {
      for (String glob : globs) {
        allowedNamespaces.add(requireText(glob, "namespace glob"));
      }
      return this;
    }

    /** Kinds (globs over {@code group/Kind}, {@code Kind} for core) allowed; none allows all. */
    public Builder allowKinds(String... globs) {
      for (String glob : globs) {
        allowedKinds.add(requireText(glob, "kind glob"));
      }
      return this;
    }

    /** Every request of this target acts as {@code user} (and {@code groups}). */
    public Builder impersonate(String user, String... groups) {
      this.impersonateUser = requireText(user, "user");
      this.impersonateGroups = List.of(groups);
      return this;
    }

    /** How long to wait for a CRD to become Established or an object to go (default 60 s). */
    public Builder establishTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("establishTimeout must be positive");
      }
      this.establishTimeout = timeout;
      return this;
    }

    /** Objects of one kind in one namespace from which one LIST replaces GETs (default 10). */
    public Builder listThreshold(int threshold) {
      if (threshold < 1) {
        throw new IllegalArgumentException("listThreshold must be at least 1");
      }
      this.listThreshold = threshold;
      return this;
    }

    /**
     * Keeps, per application, the resourceVersion of every object as gitops4j last applied or
     * verified it in {@code state} (the engine's {@link StateStore}), so that a restarted process
     * or another replica does not dry-run every object again. Without it the memory lasts as long
     * as the process.
     */
    public Builder state(StateStore state) {
      this.state = Objects.requireNonNull(state, "state");
      return this;
    }

    /**
     * A health check for custom kinds, consulted before the built-in ones ({@link
     * KubernetesHealthChecks#all()}).
     */
    public Builder healthCheck(HealthCheck check) {
      customHealthChecks.add(Objects.requireNonNull(check, "check"));
      return this;
    }

    public KubernetesTarget build() {
      KubernetesClient effective = client;
      if (impersonateUser != null) {
        effective =
            client
                .newClient(
                    new RequestConfigBuilder()
                        .withImpersonateUsername(impersonateUser)
                        .withImpersonateGroups(impersonateGroups.toArray(String[]::new))
                        .build())
                .adapt(KubernetesClient.class);
      }
      KubeTargetSettings settings =
          new KubeTargetSettings(
              fieldManager,
              inventoryNamespace,
              defaultNamespace,
              createNamespaces,
              force,
              deletePropagation,
              kubectl,
              helm,
              chartCache,
              ignoreRules,
              ignoredManagers,
              allowedNamespaces,
              allowedKinds,
              establishTimeout,
              listThreshold,
              decryptor,
              substitution);
      List<HealthCheck> checks = new ArrayList<>(customHealthChecks);
      checks.addAll(KubernetesHealthChecks.all());
      return new KubernetesTarget(effective, settings, state, checks);
    }

    private static String requireNamespace(String namespace) {
      Objects.requireNonNull(namespace, "namespace");
      if (!DNS_LABEL.matcher(namespace).matches()) {
        throw new IllegalArgumentException("'" + namespace + "' is not a valid namespace name");
      }
      return namespace;
    }

    private static String requireText(String value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
      return value;
    }
  }
}
