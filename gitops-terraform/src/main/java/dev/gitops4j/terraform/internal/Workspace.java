package dev.gitops4j.terraform.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gitops4j.model.Problem;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import dev.gitops4j.terraform.PlanMode;
import dev.gitops4j.terraform.TerraformBinary;
import dev.gitops4j.terraform.TerraformListener;
import dev.gitops4j.terraform.TerraformOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One application's working directory and the CLI runs in it. Layout under the configured
 * directory: {@code work/} holds the materialized configuration, the {@code .terraform/} provider
 * and module cache and (with the default local backend) the state, all kept across passes; {@code
 * plans/} holds the current plan file (owner-only, since plan files carry variable values).
 *
 * <p>Not thread-safe by itself; the engine never runs two passes of one application at once, and
 * the applier serializes its calls.
 */
public final class Workspace {

  private static final Logger LOG = LoggerFactory.getLogger(Workspace.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VERSION =
      Pattern.compile("^(OpenTofu|Terraform) v(\\d+)\\.(\\d+)\\.(\\d+)\\S*", Pattern.MULTILINE);
  private static final Pattern INIT_BLOCK =
      Pattern.compile("^\\s*(terraform|module\\s+\"[^\"]*\")\\s*\\{");

  /** Files of the working directory that belong to the CLI, never to the configuration. */
  private static final Set<String> KEPT =
      Set.of(
          ".terraform",
          "terraform.tfstate",
          "terraform.tfstate.backup",
          ".terraform.tfstate.lock.info",
          "terraform.tfstate.d",
          ".terraform.lock.hcl");

  /**
   * Settings of a workspace.
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

  /** The plan of the current pass. */
  public static final class CurrentPlan {
    final String revision;
    final PlanMode mode;
    final Path file;
    final PlanView view;
    ApplyOutcome outcome;

    CurrentPlan(String revision, PlanMode mode, Path file, PlanView view) {
      this.revision = revision;
      this.mode = mode;
      this.file = file;
      this.view = view;
    }

    public String revision() {
      return revision;
    }

    public PlanMode mode() {
      return mode;
    }

    public PlanView view() {
      return view;
    }

    public ApplyOutcome outcome() {
      return outcome;
    }
  }

  /**
   * What one apply did.
   *
   * @param completed addresses whose change completed
   * @param errored addresses whose change failed, with the error
   * @param error the run's error when it failed, or empty
   * @param retryable whether the failure may go away by itself (lock, interrupted, provider)
   */
  public record ApplyOutcome(
      Set<String> completed, Map<String, String> errored, String error, boolean retryable) {
    public boolean failed() {
      return !error.isEmpty();
    }
  }

  private final Settings settings;
  private final Cli cli;
  private final Path work;
  private final Path plans;
  private TerraformBinary binary;
  private String materializedRevision;
  private Snapshot snapshot;
  private boolean initialized;
  private CurrentPlan current;
  private int planCounter;
  private volatile Map<String, TerraformOutput> outputs = Map.of();

  public Workspace(Settings settings) {
    this.settings = settings;
    this.cli =
        new Cli(
            settings.binary(),
            settings.environment(),
            settings.commandTimeout(),
            settings.cancelGrace());
    this.work = settings.directory().resolve("work");
    this.plans = settings.directory().resolve("plans");
  }

  public Path workingDirectory() {
    return work;
  }

  /** Runs {@code version} once and checks the CLI is OpenTofu or Terraform 1.5 or newer. */
  public synchronized TerraformBinary binary() throws TargetException {
    if (binary != null) {
      return binary;
    }
    createDirectories(settings.directory());
    Cli.Result result = cli.run(settings.directory(), List.of("version"));
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
    binary = new TerraformBinary(settings.binary(), matcher.group(1), version);
    LOG.info("using {}", binary);
    return binary;
  }

  /**
   * Writes the snapshot's files into the working directory, removes configuration files the
   * revision no longer has, and runs init when providers, modules or backend changed.
   *
   * @throws InvalidDesiredStateException naming file and line of every error init reports
   */
  public void render(Snapshot snapshot) throws InvalidDesiredStateException {
    List<Problem> problems = new ArrayList<>();
    for (String varFile : settings.varFiles()) {
      if (snapshot.file(varFile).isEmpty()) {
        problems.add(
            new Problem(
                dev.gitops4j.model.Origin.of(varFile, 0),
                "variable file " + varFile + " is configured but missing from the revision"));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidDesiredStateException(problems);
    }
    materialize(snapshot);
    try {
      ensureInitialized();
    } catch (ConfigurationError e) {
      throw new InvalidDesiredStateException(e.problems);
    } catch (TargetException e) {
      // Not the configuration's fault (mirror, network, backend): the next observe retries it.
      LOG.warn("init failed, will retry when observing: {}", e.getMessage());
    }
    // No separate `validate`: `plan` validates the same way and reports errors with file and line
    // (see failure()), so a second process start per revision would only cost time.
  }

  static List<Problem> validationProblems(String validateJson) {
    List<Problem> problems = new ArrayList<>();
    JsonNode result;
    try {
      result = JSON.readTree(validateJson);
    } catch (IOException e) {
      return problems;
    }
    if (result == null) {
      return problems;
    }
    for (JsonNode diagnostic : result.path("diagnostics")) {
      if ("error".equals(diagnostic.path("severity").asText())) {
        problems.add(UiStream.problem(diagnostic));
      }
    }
    return problems;
  }

  /** The configuration is wrong; diagnostics name file and line. */
  static final class ConfigurationError extends Exception {
    private static final long serialVersionUID = 1L;
    final transient List<Problem> problems;

    ConfigurationError(List<Problem> problems) {
      super(problems.toString());
      this.problems = problems;
    }
  }

  private synchronized void materialize(Snapshot snapshot) {
    try {
      createDirectories(work);
      Set<Path> wanted = new HashSet<>();
      for (SourceFile file : snapshot.files()) {
        Path target = work.resolve(file.path()).normalize();
        if (!target.startsWith(work)) {
          continue; // the source already refuses escapes; never write outside anyway
        }
        wanted.add(target);
        Files.createDirectories(target.getParent());
        if (!Files.exists(target)
            || !java.util.Arrays.equals(Files.readAllBytes(target), file.content())) {
          Files.write(target, file.content());
        }
      }
      List<Path> stale;
      try (Stream<Path> walk = Files.walk(work)) {
        stale =
            walk.filter(p -> !p.equals(work))
                .filter(p -> !KEPT.contains(work.relativize(p).getName(0).toString()))
                .filter(p -> !wanted.contains(p))
                .sorted(Comparator.reverseOrder())
                .toList();
      }
      for (Path path : stale) {
        if (Files.isDirectory(path)) {
          try (Stream<Path> children = Files.list(path)) {
            if (children.findAny().isEmpty()) {
              Files.delete(path);
            }
          }
        } else {
          Files.delete(path);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the configuration into " + work, e);
    }
    this.snapshot = snapshot;
    this.materializedRevision = snapshot.revision();
  }

  /**
   * Init when needed: never ran, {@code .terraform/} gone, or the init-relevant content changed.
   */
  private void ensureInitialized() throws TargetException, ConfigurationError {
    TerraformBinary binary = binary();
    String hash = initHash(binary);
    Path marker = settings.directory().resolve("init.sha256");
    try {
      if (initialized
          && Files.isDirectory(work.resolve(".terraform"))
          && Files.exists(marker)
          && Files.readString(marker).equals(hash)) {
        return;
      }
      if (Files.isDirectory(work.resolve(".terraform"))
          && Files.exists(marker)
          && Files.readString(marker).equals(hash)) {
        initialized = true;
        return;
      }
      List<String> args = new ArrayList<>(List.of("init", "-input=false", "-no-color"));
      args.add("-lock-timeout=" + settings.lockTimeout().toMillis() + "ms");
      for (String value : settings.backendConfig()) {
        args.add("-backend-config=" + value);
      }
      Cli.Result init = cli.run(work, args);
      if (init.exit() != 0) {
        // init has no -json in every supported version; validate -json locates config errors.
        Cli.Result validate = cli.run(work, List.of("validate", "-json", "-no-color"));
        List<Problem> problems = validationProblems(validate.stdout());
        if (!problems.isEmpty() && problems.stream().allMatch(p -> p.origin().line() > 0)) {
          throw new ConfigurationError(problems);
        }
        // Mirror, network, backend or lock trouble: transient as far as we can tell.
        String text = (init.stderr() + "\n" + init.stdout()).strip();
        throw new TargetException("init failed: " + lastLines(text, 20), true);
      }
      Files.writeString(marker, hash);
      initialized = true;
    } catch (IOException e) {
      throw new TargetException("cannot keep the init marker: " + e.getMessage(), true, e);
    }
  }

  private String initHash(TerraformBinary binary) {
    StringBuilder relevant = new StringBuilder();
    relevant.append(binary.flavor()).append(' ').append(binary.version()).append('\n');
    settings.backendConfig().forEach(b -> relevant.append("backend ").append(b).append('\n'));
    for (SourceFile file : snapshot.files()) {
      String path = file.path();
      if (path.equals(".terraform.lock.hcl")) {
        relevant.append("lock\n").append(new String(file.content(), StandardCharsets.UTF_8));
      } else if (path.endsWith(".tf") || path.endsWith(".tf.json")) {
        relevant.append("file ").append(path).append('\n');
        relevant.append(initBlocks(new String(file.content(), StandardCharsets.UTF_8)));
      }
    }
    return Redact.sha256(com.fasterxml.jackson.databind.node.TextNode.valueOf(relevant.toString()));
  }

  /**
   * The {@code terraform} and {@code module} blocks of a file (required providers, backend, module
   * sources): what init depends on. Brace counting; a miscount only costs an extra init.
   */
  static String initBlocks(String text) {
    StringBuilder out = new StringBuilder();
    int depth = 0;
    boolean inBlock = false;
    for (String line : text.split("\n", -1)) {
      if (!inBlock && INIT_BLOCK.matcher(line).find()) {
        inBlock = true;
        depth = 0;
      }
      if (inBlock) {
        out.append(line.strip()).append('\n');
        for (char c : line.toCharArray()) {
          if (c == '{') {
            depth++;
          } else if (c == '}') {
            depth--;
          }
        }
        if (depth <= 0) {
          inBlock = false;
        }
      }
    }
    return out.toString();
  }

  /**
   * Plans: {@code plan -detailed-exitcode -json -out=FILE}, then, when the plan changes something,
   * {@code show -json FILE} mapped to a redacted {@link PlanView}. A plan without changes is read
   * from the UI stream alone (identities only), which saves a process start per in-sync pass.
   */
  public synchronized CurrentPlan plan(String revision, PlanMode mode) throws TargetException {
    if (!revision.equals(materializedRevision)) {
      if (snapshot == null || !snapshot.revision().equals(revision)) {
        throw new TargetException("revision " + revision + " was not rendered into " + work, false);
      }
      materialize(snapshot);
    }
    try {
      ensureInitialized();
    } catch (ConfigurationError e) {
      throw new TargetException(
          "configuration error: " + e.problems.stream().map(Problem::toString).toList(), false);
    }
    createDirectories(plans);
    discardPlan();
    Path file = plans.resolve("plan-" + (++planCounter) + ".tfplan");
    List<String> args = new ArrayList<>(List.of("plan", "-input=false", "-json"));
    args.add("-detailed-exitcode");
    args.add("-lock-timeout=" + settings.lockTimeout().toMillis() + "ms");
    args.add("-out=" + file);
    if (mode == PlanMode.REFRESH_ONLY) {
      args.add("-refresh-only");
    } else if (mode == PlanMode.DESTROY) {
      args.add("-destroy");
    }
    for (String varFile : settings.varFiles()) {
      args.add("-var-file=" + varFile);
    }
    Cli.Result result =
        cli.run(work, args, message -> UiStream.dispatch(message, settings.listener()));
    if (result.exit() != 0 && result.exit() != 2) {
      throw failure("plan", result);
    }
    PlanView view = result.exit() == 0 ? PlanView.unchanged(result.messages()) : show(file);
    current = new CurrentPlan(revision, mode, file, view);
    LOG.info(
        "planned {} ({}): {} resource changes, digest {}",
        revision,
        mode,
        view.changes().stream().filter(c -> PlanView.writes(c.actions())).count(),
        view.digest().substring(0, 12));
    return current;
  }

  /** The whole plan, with attribute values, read with {@code show -json FILE}. */
  private PlanView show(Path file) throws TargetException {
    Cli.Result show = cli.run(work, List.of("show", "-json", "-no-color", file.toString()));
    if (show.exit() != 0) {
      throw new TargetException(
          "show -json failed: " + lastLines(show.stderr() + show.stdout(), 20), true);
    }
    try {
      return PlanView.parse(JSON.readTree(show.stdout()));
    } catch (IOException e) {
      throw new TargetException("show -json printed no JSON: " + e.getMessage(), true, e);
    }
  }

  /** The plan of the current pass, or null. */
  public synchronized CurrentPlan current() {
    return current;
  }

  /** Applies exactly the saved plan file of {@code plan}, once; reads outputs afterwards. */
  public synchronized ApplyOutcome apply(CurrentPlan plan) throws TargetException {
    if (plan.outcome != null) {
      return plan.outcome;
    }
    if (plan != current) {
      throw new TargetException("the plan to apply is not the current plan", false);
    }
    List<String> args = new ArrayList<>(List.of("apply", "-input=false", "-json"));
    args.add("-lock-timeout=" + settings.lockTimeout().toMillis() + "ms");
    args.add(plan.file.toString());
    Cli.Result result;
    try {
      result = cli.run(work, args, message -> UiStream.dispatch(message, settings.listener()));
    } catch (TargetException e) {
      plan.outcome = new ApplyOutcome(Set.of(), Map.of(), e.getMessage(), e.isRetryable());
      return plan.outcome;
    }
    Set<String> completed = new HashSet<>();
    Map<String, String> errored = new LinkedHashMap<>();
    for (JsonNode message : result.messages()) {
      String type = message.path("type").asText();
      String address = message.path("hook").path("resource").path("addr").asText();
      if (type.equals("apply_complete")) {
        completed.add(address);
      } else if (type.equals("apply_errored")) {
        errored.put(address, message.path("@message").asText());
      }
    }
    List<JsonNode> errors = UiStream.errors(result.messages());
    for (JsonNode diagnostic : errors) {
      String address = diagnostic.path("address").asText("");
      if (!address.isEmpty()) {
        errored.put(address, UiStream.describe(diagnostic));
      }
    }
    String error = "";
    boolean retryable = true;
    if (result.exit() != 0) {
      error =
          errors.isEmpty()
              ? "apply failed: " + lastLines(result.stderr() + result.stdout(), 20)
              : String.join("; ", errors.stream().map(UiStream::describe).toList());
      // Config errors cannot happen for a saved plan; provider and lock errors may pass.
      retryable = true;
    }
    plan.outcome = new ApplyOutcome(Set.copyOf(completed), Map.copyOf(errored), error, retryable);
    readOutputs(result.messages());
    discardPlan();
    return plan.outcome;
  }

  private void discardPlan() {
    if (current != null) {
      try {
        Files.deleteIfExists(current.file);
      } catch (IOException e) {
        LOG.warn("cannot delete plan file {}", current.file, e);
      }
    }
  }

  /**
   * Reads the outputs from the {@code outputs} message apply prints at its end (the CLI leaves out
   * the values of sensitive outputs there; they are marked, never read).
   */
  private void readOutputs(List<JsonNode> messages) {
    for (JsonNode message : messages) {
      if (!"outputs".equals(message.path("type").asText())) {
        continue;
      }
      Map<String, TerraformOutput> read = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = message.path("outputs").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        boolean sensitive = entry.getValue().path("sensitive").asBoolean(false);
        JsonNode value = entry.getValue().path("value");
        read.put(
            entry.getKey(),
            new TerraformOutput(
                entry.getKey(), sensitive ? Redact.marker(value) : value.deepCopy(), sensitive));
      }
      outputs = Map.copyOf(read);
    }
  }

  public Map<String, TerraformOutput> outputs() {
    return outputs;
  }

  /** Classifies a failed plan: lock and provider errors are transient, configuration errors not. */
  private static TargetException failure(String command, Cli.Result result) {
    List<JsonNode> errors = UiStream.errors(result.messages());
    String text =
        errors.isEmpty()
            ? lastLines(result.stderr() + result.stdout(), 20)
            : String.join("; ", errors.stream().map(UiStream::describe).toList());
    if (UiStream.isLockError(errors, result.stderr())) {
      return new TargetException(command + " failed: the state is locked: " + text, true);
    }
    boolean configuration =
        !errors.isEmpty()
            && errors.stream().allMatch(d -> d.path("range").has("filename") && !d.has("address"));
    return new TargetException(command + " failed: " + text, !configuration);
  }

  private static String lastLines(String text, int count) {
    List<String> lines = text.strip().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }

  private static void createDirectories(Path dir) throws UncheckedIOException {
    try {
      Files.createDirectories(dir);
      if (dir.getFileName() != null && dir.getFileName().toString().equals("plans")) {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      }
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system; plan files keep the default permissions
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  /** For tests: a copy of the settings' environment. */
  Map<String, String> environment() {
    return new HashMap<>(cli.environment());
  }
}
