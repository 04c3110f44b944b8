package dev.gitops4j.terraform.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import dev.gitops4j.terraform.TerraformBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revision's configuration in {@code work/}: its files written there (materialize), and {@code
 * init} run when what init depends on changed. Not thread-safe; {@link WorkingDirectory} runs it
 * one call at a time.
 */
final class Configuration {

  private static final Logger LOG = LoggerFactory.getLogger(Configuration.class);
  private static final ObjectMapper JSON = new ObjectMapper();
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

  private final WorkingDirectory owner;
  private final Path work;
  private Snapshot snapshot;
  private Origins origins = Origins.none();
  private String materializedRevision;
  private boolean initialized;

  Configuration(WorkingDirectory owner) {
    this.owner = owner;
    this.work = owner.path();
  }

  /**
   * Writes the snapshot's files into the working directory, removes configuration files the
   * revision no longer has, and runs init when providers, modules or backend changed.
   *
   * @throws InvalidDesiredStateException naming file and line of every error init reports
   */
  void render(Snapshot snapshot) throws InvalidDesiredStateException {
    List<Problem> problems = new ArrayList<>();
    for (String varFile : owner.settings().varFiles()) {
      if (snapshot.file(varFile).isEmpty()) {
        problems.add(
            new Problem(
                Origin.of(varFile, 0),
                "variable file " + varFile + " is configured but missing from the revision"));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidDesiredStateException(problems);
    }
    materialize(snapshot);
    origins = Origins.of(snapshot);
    try {
      ensureInitialized();
    } catch (ConfigurationError e) {
      throw new InvalidDesiredStateException(e.problems);
    } catch (TargetException e) {
      // Not the configuration's fault (mirror, network, backend): the next observe retries it.
      LOG.warn("init failed, will retry when observing: {}", e.getMessage());
    }
    // No separate `validate`: `plan` validates the same way and reports errors with file and line
    // (see Plans.failure), so a second process start per revision would only cost time.
  }

  /**
   * Makes sure {@code revision} is what the working directory holds and that init ran, before a
   * plan: the files are written again if another revision was materialized since it was rendered.
   */
  void prepare(String revision) throws TargetException {
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
  }

  /** Where the root blocks of {@code revision} are declared, if it is the one rendered. */
  Origins origins(String revision) {
    Snapshot rendered = snapshot;
    return rendered != null && rendered.revision().equals(revision) ? origins : Origins.none();
  }

  static List<Problem> validationProblems(String validateJson, Redactor redactor) {
    List<Problem> problems = new ArrayList<>();
    JsonNode result;
    try {
      result = redactor.redact(JSON.readTree(validateJson));
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

  private void materialize(Snapshot snapshot) {
    try {
      WorkingDirectory.createDirectories(work);
      Set<Path> wanted = new HashSet<>();
      for (SourceFile file : snapshot.files()) {
        Path target = work.resolve(file.path()).normalize();
        if (!target.startsWith(work)) {
          continue; // the source already refuses escapes; never write outside anyway
        }
        wanted.add(target);
        Files.createDirectories(target.getParent());
        if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), file.content())) {
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
    TerraformBinary binary = owner.binary();
    String hash = initHash(binary);
    Path marker = owner.settings().directory().resolve("init.sha256");
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
      args.add("-lock-timeout=" + owner.settings().lockTimeout().toMillis() + "ms");
      for (String value : owner.settings().backendConfig()) {
        args.add("-backend-config=" + value);
      }
      BinaryRunner.Result init = owner.runner().run(work, args);
      if (init.exit() != 0) {
        // init has no -json in every supported version; validate -json locates config errors.
        BinaryRunner.Result validate =
            owner.runner().run(work, List.of("validate", "-json", "-no-color"));
        List<Problem> problems = validationProblems(validate.stdout(), owner.runner().redactor());
        if (!problems.isEmpty() && problems.stream().allMatch(p -> p.origin().line() > 0)) {
          throw new ConfigurationError(problems);
        }
        // Mirror, network, backend or lock trouble: transient as far as we can tell.
        throw new TargetException("init failed: " + owner.runner().failureText(init), true);
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
    owner
        .settings()
        .backendConfig()
        .forEach(b -> relevant.append("backend ").append(b).append('\n'));
    for (SourceFile file : snapshot.files()) {
      String path = file.path();
      if (path.equals(".terraform.lock.hcl")) {
        relevant.append("lock\n").append(new String(file.content(), StandardCharsets.UTF_8));
      } else if (path.endsWith(".tf") || path.endsWith(".tf.json")) {
        relevant.append("file ").append(path).append('\n');
        relevant.append(initBlocks(new String(file.content(), StandardCharsets.UTF_8)));
      }
    }
    return SensitiveValues.sha256(TextNode.valueOf(relevant.toString()));
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
}
