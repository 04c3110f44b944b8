package dev.gitops4j.terraform;

import dev.gitops4j.engine.PassContext;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.sync.InventoryStore;
import dev.gitops4j.terraform.internal.TerraformRenderer;
import dev.gitops4j.terraform.internal.TerraformSession;
import dev.gitops4j.terraform.internal.WorkingDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A Terraform/OpenTofu configuration kept in line with Git by driving the real CLI: {@code init}
 * when providers, modules or backend change, {@code plan -out} and {@code show -json} every pass,
 * and {@code apply} of exactly the saved plan.
 *
 * <p>One target serves one application: it owns a working directory (configuration, provider cache,
 * local state), {@link #target(String)} binds it to the application's name, and it refuses a second
 * application. Applications with their own targets run in parallel. Each pass of the application
 * opens a session of its own that keeps the pass's plan from observing to applying.
 *
 * <pre>{@code
 * try (TerraformTarget network = TerraformTarget.builder(Path.of("/var/lib/infra/network"))
 *     .binary(Path.of("/usr/local/bin/tofu"))
 *     .varFile("prod.tfvars")
 *     .build()) {
 *   Application app = Application.builder("network")
 *       .source(gitSource)
 *       .target(network.target("network"))
 *       .policy(SyncPolicy.manualApproval())
 *       .build();
 *   ...
 * }
 * }</pre>
 */
public final class TerraformTarget implements AutoCloseable {

  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

  private final WorkingDirectory directory;
  private final Target target;
  private volatile PlanMode planMode;
  private volatile String application;
  private volatile boolean closed;

  private TerraformTarget(Builder builder) {
    Map<String, String> env = new LinkedHashMap<>(builder.environment);
    builder.cliConfig.ifPresent(p -> env.put("TF_CLI_CONFIG_FILE", p.toString()));
    builder.pluginCache.ifPresent(p -> env.put("TF_PLUGIN_CACHE_DIR", p.toString()));
    builder.variables.forEach((name, value) -> env.put("TF_VAR_" + name, value));
    this.directory =
        new WorkingDirectory(
            new WorkingDirectory.Settings(
                builder.directory,
                builder.binary,
                env,
                List.copyOf(builder.varFiles),
                List.copyOf(builder.backendConfig),
                builder.lockTimeout,
                builder.commandTimeout,
                builder.cancelGrace,
                builder.listener));
    this.planMode = builder.planMode;
    InventoryStore store =
        builder.inventoryStore != null
            ? builder.inventoryStore
            : InventoryStore.inDirectory(builder.directory.resolve("inventory"));
    this.target =
        Target.builder("terraform:" + builder.directory.toAbsolutePath())
            .renderer(new TerraformRenderer(directory))
            .sessions(this::open)
            .inventoryStore(store)
            .build();
  }

  /**
   * Starts a target whose files live in {@code directory}: {@code work/} (configuration, {@code
   * .terraform/}, local state), {@code plans/} and {@code inventory/}.
   */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /**
   * The target of {@code application}, to hand to {@code Application.builder(application)
   * .target(...)}. The first call binds this target (its working directory and state) to the
   * application; asking again for it gives the same target, and a pass of any other application is
   * refused.
   *
   * @throws IllegalArgumentException when this target already serves another application
   */
  public synchronized Target target(String application) {
    Objects.requireNonNull(application, "application");
    if (this.application == null) {
      this.application = application;
    } else if (!this.application.equals(application)) {
      throw new IllegalArgumentException(serves(application));
    }
    return target;
  }

  /** One pass of the bound application; a session holds the plan of its pass. */
  private TargetSession open(PassContext context) throws TargetException {
    if (closed) {
      throw new TargetException(
          "the Terraform target in " + directory.path().getParent() + " is closed", false);
    }
    if (!context.application().equals(application)) {
      throw new TargetException(serves(context.application()), false);
    }
    return new TerraformSession(directory, context, planMode);
  }

  /** One workspace holds one state: a second application would share and corrupt it. */
  private String serves(String other) {
    return "this Terraform target serves application "
        + application
        + "; give "
        + other
        + " its own target (own working directory and state)";
  }

  /** The CLI in use, checked with {@code version} on first use. */
  public TerraformBinary binary() throws TargetException {
    return directory.binary();
  }

  /**
   * Root outputs of the state as last seen (by each plan's refresh and each apply), empty before
   * the first plan of this process; sensitive values are redaction markers.
   */
  public Map<String, TerraformOutput> outputs() {
    return directory.outputs();
  }

  /**
   * The non-sensitive root outputs as variables for an application that depends on this one, for
   * instance a Kubernetes target's substitution: strings as they are, other values as compact JSON.
   * Sensitive outputs are left out, since their values are never read.
   */
  public Map<String, String> outputVariables() {
    Map<String, String> variables = new TreeMap<>();
    for (TerraformOutput output : outputs().values()) {
      if (!output.sensitive()) {
        variables.put(
            output.name(),
            output.value().isTextual() ? output.value().asText() : output.value().toString());
      }
    }
    return variables;
  }

  /** Where the configuration is materialized and the CLI runs. */
  public Path workingDirectory() {
    return directory.path();
  }

  /** What passes plan; a pass plans in the mode set when it started. */
  public PlanMode planMode() {
    return planMode;
  }

  /**
   * Switches what later passes plan. {@link PlanMode#DESTROY} is the explicit opt-in to remove
   * everything when an application is retired: the destroy plan is shown, approved and recorded
   * like any other change (the policy must allow pruning everything).
   */
  public void planMode(PlanMode mode) {
    this.planMode = Objects.requireNonNull(mode, "mode");
  }

  /**
   * Ends this target: passes that start afterwards fail (not retried), and plan files left in
   * {@code plans/} are deleted. The working directory, its state and the inventory stay for the
   * next process. Close it after the engine that runs its passes; closing twice does nothing more.
   */
  @Override
  public void close() {
    closed = true;
    directory.discardPlans();
  }

  /** Builder for {@link TerraformTarget}. */
  public static final class Builder {
    private final Path directory;
    private Path binary;
    private Optional<Path> cliConfig = Optional.empty();
    private Optional<Path> pluginCache = Optional.empty();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final Map<String, String> variables = new LinkedHashMap<>();
    private final List<String> varFiles = new ArrayList<>();
    private final List<String> backendConfig = new ArrayList<>();
    private Duration lockTimeout = Duration.ofSeconds(10);
    private Duration commandTimeout = Duration.ofMinutes(30);
    private Duration cancelGrace = Duration.ofSeconds(30);
    private PlanMode planMode = PlanMode.NORMAL;
    private TerraformListener listener = TerraformListener.none();
    private InventoryStore inventoryStore;

    private Builder(Path directory) {
      // The CLI runs with this directory as its working directory: relative paths would resolve
      // twice.
      this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
    }

    /**
     * The tofu or terraform executable. Default: {@code tofu}, else {@code terraform}, from the
     * {@code PATH}.
     */
    public Builder binary(Path binary) {
      this.binary = Objects.requireNonNull(binary, "binary");
      return this;
    }

    /** CLI configuration file ({@code TF_CLI_CONFIG_FILE}): mirrors, credentials, plugin cache. */
    public Builder cliConfig(Path file) {
      this.cliConfig = Optional.of(file.toAbsolutePath());
      return this;
    }

    /** Provider plugin cache shared across working directories ({@code TF_PLUGIN_CACHE_DIR}). */
    public Builder pluginCacheDir(Path dir) {
      this.pluginCache = Optional.of(dir.toAbsolutePath());
      return this;
    }

    /** An environment variable for every CLI run (provider credentials, for instance). */
    public Builder environment(String name, String value) {
      environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * An input variable set from code, passed as {@code TF_VAR_<name>} (never on the command line).
     * Declare it {@code sensitive} in the configuration to keep it out of plans.
     */
    public Builder variable(String name, String value) {
      if (!VARIABLE.matcher(name).matches()) {
        throw new IllegalArgumentException("invalid variable name '" + name + "'");
      }
      variables.put(name, Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * A {@code .tfvars} file of the revision, relative to the configuration folder ({@code
     * -var-file}); {@code terraform.tfvars} and {@code *.auto.tfvars} load without this.
     */
    public Builder varFile(String path) {
      if (path.startsWith("/") || path.contains("..")) {
        throw new IllegalArgumentException(
            "var file must be relative to the configuration: " + path);
      }
      varFiles.add(path);
      return this;
    }

    /**
     * A {@code -backend-config} value for init, e.g. {@code path=/var/lib/state/net.tfstate} or
     * {@code bucket=infra}. Without a backend block the state is local in the working directory.
     */
    public Builder backendConfig(String keyValue) {
      if (!keyValue.contains("=")) {
        throw new IllegalArgumentException("backend config must be key=value: " + keyValue);
      }
      backendConfig.add(keyValue);
      return this;
    }

    /** How long the CLI waits for the state lock ({@code -lock-timeout}, default 10 s). */
    public Builder lockTimeout(Duration timeout) {
      this.lockTimeout = requireNonNegative(timeout, "lock timeout");
      return this;
    }

    /** Timeout of each CLI command (default 30 min). */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = requirePositive(timeout, "command timeout");
      return this;
    }

    /** How long an interrupted command may take to stop before it is killed (default 30 s). */
    public Builder cancelGrace(Duration grace) {
      this.cancelGrace = requirePositive(grace, "cancel grace");
      return this;
    }

    /** What passes plan (default {@link PlanMode#NORMAL}). */
    public Builder planMode(PlanMode mode) {
      this.planMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Receives plan and apply progress. */
    public Builder listener(TerraformListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Where the application's inventory lives (default: {@code inventory/} in the directory). */
    public Builder inventoryStore(InventoryStore store) {
      this.inventoryStore = Objects.requireNonNull(store, "store");
      return this;
    }

    public TerraformTarget build() {
      if (binary == null) {
        binary =
            onPath("tofu")
                .or(() -> onPath("terraform"))
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "neither tofu nor terraform is on the PATH; set binary(...)"));
      }
      return new TerraformTarget(this);
    }

    private static Optional<Path> onPath(String name) {
      String path = System.getenv("PATH");
      if (path == null) {
        return Optional.empty();
      }
      for (String dir : path.split(java.io.File.pathSeparator)) {
        Path candidate = Paths.get(dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
      return Optional.empty();
    }

    private static Duration requirePositive(Duration value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive");
      }
      return value;
    }

    private static Duration requireNonNegative(Duration value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isNegative()) {
        throw new IllegalArgumentException(what + " must not be negative");
      }
      return value;
    }
  }
}
