package dev.gitops4j.terraform.internal;

import dev.gitops4j.model.TargetException;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.terraform.PlanMode;
import dev.gitops4j.terraform.TerraformBinary;
import dev.gitops4j.terraform.TerraformListener;
import dev.gitops4j.terraform.TerraformOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One application's directory and the CLI runs in it. Layout under the configured directory: {@code
 * work/} holds the materialized configuration, the {@code .terraform/} provider and module cache
 * and (with the default local backend) the state, all kept across passes; {@code plans/} holds the
 * plan files of passes in flight (owner-only, since plan files carry variable values).
 *
 * <p>The work is done by one part per stage: {@link Configuration} (materialize and init), {@link
 * Plans} (plan and show), {@link ApplyRun} (apply of a saved plan) and {@link Outputs}. This class
 * checks the CLI once and runs the stages one at a time: the engine never runs two passes of one
 * application at once, and a pass's steps share one apply.
 */
public final class WorkingDirectory {

  private static final Logger LOG = LoggerFactory.getLogger(WorkingDirectory.class);
  private static final Pattern VERSION =
      Pattern.compile("^(OpenTofu|Terraform) v(\\d+)\\.(\\d+)\\.(\\d+)\\S*", Pattern.MULTILINE);

  /** Bound on {@link #CHECKED}: one entry per distinct executable, so a handful in practice. */
  static final int MAX_CHECKED = 64;

  /**
   * CLIs already checked in this process, by executable identity: targets sharing a binary (and a
   * target's later instances) skip a {@code version} process each. A binary replaced in place has
   * another size or modification time, so it is checked again (and its version enters the init
   * hash, so init re-runs when it changed).
   */
  private static final Map<BinaryIdentity, TerraformBinary> CHECKED = new ConcurrentHashMap<>();

  /** What identifies an executable file: its real path, size and modification time. */
  record BinaryIdentity(Path realPath, long size, FileTime modified) {

    /** The identity of {@code binary}, or empty when it cannot be read (then it is not cached). */
    static Optional<BinaryIdentity> of(Path binary) {
      try {
        Path real = binary.toRealPath();
        BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
        return Optional.of(
            new BinaryIdentity(real, attributes.size(), attributes.lastModifiedTime()));
      } catch (IOException | SecurityException e) {
        return Optional.empty();
      }
    }
  }

  /**
   * Settings of a working directory.
   *
   * @param directory root of this application's files
   * @param binary tofu or terraform executable
   * @param environment extra environment (CLI config, plugin cache, TF_VAR_*)
   * @param varFiles {@code -var-file} paths relative to the configuration
   * @param backendConfig {@code -backend-config} values for init
   * @param lockTimeout {@code -lock-timeout}
   * @param commandTimeout timeout of each CLI command
   * @param cancelGrace how long an interrupted command may take to stop before it is killed
   * @param listener progress events
   */
  public record Settings(
      Path directory,
      Path binary,
      Map<String, String> environment,
      List<String> varFiles,
      List<String> backendConfig,
      Duration lockTimeout,
      Duration commandTimeout,
      Duration cancelGrace,
      TerraformListener listener) {}

  private final Settings settings;
  private final BinaryRunner runner;
  private final Path work;
  private final Configuration configuration;
  private final Plans plans;
  private final Outputs outputs = new Outputs();
  private final ApplyRun applies;
  private volatile TerraformBinary binary;

  public WorkingDirectory(Settings settings) {
    this.settings = settings;
    this.runner =
        new BinaryRunner(
            settings.binary(),
            settings.environment(),
            settings.commandTimeout(),
            settings.cancelGrace());
    this.work = settings.directory().resolve("work");
    this.configuration = new Configuration(this);
    this.plans = new Plans(this, settings.directory().resolve("plans"));
    this.applies = new ApplyRun(this, outputs);
  }

  /** Where the configuration is materialized and the CLI runs. */
  public Path path() {
    return work;
  }

  Settings settings() {
    return settings;
  }

  BinaryRunner runner() {
    return runner;
  }

  Outputs outputReader() {
    return outputs;
  }

  /**
   * Checks that the CLI is OpenTofu or Terraform 1.5 or newer with {@code version}, once per
   * executable (path, size, modification time) in this process.
   */
  public TerraformBinary binary() throws TargetException {
    TerraformBinary checked = binary;
    if (checked != null) {
      return checked;
    }
    synchronized (this) {
      if (binary == null) {
        Optional<BinaryIdentity> identity = BinaryIdentity.of(settings.binary());
        TerraformBinary cached = identity.map(CHECKED::get).orElse(null);
        TerraformBinary known;
        if (cached != null) {
          createDirectories(settings.directory());
          known = new TerraformBinary(settings.binary(), cached.flavor(), cached.version());
          LOG.info("using {} (checked before in this process)", known);
        } else {
          known = checkVersion();
          if (identity.isPresent()) {
            if (CHECKED.size() >= MAX_CHECKED) {
              CHECKED.clear(); // a process that cycles through binaries only checks them again
            }
            CHECKED.put(identity.get(), known);
          }
        }
        binary = known;
      }
      return binary;
    }
  }

  /** Runs {@code version} and checks what it printed. */
  private TerraformBinary checkVersion() throws TargetException {
    createDirectories(settings.directory());
    BinaryRunner.Result result = runner.run(settings.directory(), List.of("version"));
    Matcher matcher = VERSION.matcher(result.stdout());
    if (result.exit() != 0 || !matcher.find()) {
      throw new TargetException(
          settings.binary() + " is not OpenTofu or Terraform: `version` printed " + result.stdout(),
          false);
    }
    int major = Integer.parseInt(matcher.group(2));
    int minor = Integer.parseInt(matcher.group(3));
    String version = major + "." + minor + "." + matcher.group(4);
    if (major < 1 || major == 1 && minor < 5) {
      throw new TargetException(
          matcher.group(1) + " " + version + " is too old; 1.5 or newer is required", false);
    }
    TerraformBinary found = new TerraformBinary(settings.binary(), matcher.group(1), version);
    LOG.info("using {}", found);
    return found;
  }

  /**
   * Writes the snapshot's files into the working directory and runs init when needed ({@link
   * Configuration#render}).
   *
   * @throws InvalidDesiredStateException naming file and line of every error init reports
   */
  public synchronized void render(Snapshot snapshot) throws InvalidDesiredStateException {
    configuration.render(snapshot);
  }

  /** Where the root blocks of {@code revision} are declared, if it is the one rendered. */
  public Origins origins(String revision) {
    return configuration.origins(revision);
  }

  /**
   * Plans {@code revision} into a plan file of its own ({@link Plans#plan}).
   *
   * @param readValues whether attribute values are read ({@code show}) even when the plan changes
   *     nothing
   */
  public synchronized SavedPlan plan(String revision, PlanMode mode, boolean readValues)
      throws TargetException {
    configuration.prepare(revision);
    return plans.plan(revision, mode, readValues);
  }

  /** Applies exactly {@code plan}'s file, reads the outputs and deletes the file. */
  public synchronized ApplyOutcome apply(SavedPlan plan) {
    ApplyOutcome outcome = applies.apply(plan);
    plans.discard(plan);
    return outcome;
  }

  /** Deletes {@code plan}'s file if it is still there. Never blocks on a command in flight. */
  public void discard(SavedPlan plan) {
    plans.discard(plan);
  }

  /** Deletes every plan file left in {@code plans/}. Never blocks on a command in flight. */
  public void discardPlans() {
    plans.discardAll();
  }

  /** Root outputs of the state as last seen by a plan or an apply. */
  public Map<String, TerraformOutput> outputs() {
    return outputs.get();
  }

  static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  /** Creates {@code dir} readable by its owner only, where the file system allows. */
  static void createOwnerOnly(Path dir) {
    createDirectories(dir);
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system; plan files keep the default permissions
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restrict " + dir, e);
    }
  }
}
