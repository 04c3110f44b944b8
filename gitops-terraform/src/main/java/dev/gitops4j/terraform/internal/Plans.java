package dev.gitops4j.terraform.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.terraform.PlanMode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans: {@code plan -detailed-exitcode -json -out=FILE}, then, when the plan changes something,
 * {@code show -json FILE} mapped to a redacted {@link PlanView}. Each plan gets a file of its own
 * in {@code plans/}, deleted once applied or discarded. Not thread-safe; {@link WorkingDirectory}
 * runs it one call at a time (discarding excepted).
 */
final class Plans {

  private static final Logger LOG = LoggerFactory.getLogger(Plans.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WorkingDirectory owner;
  private final Path dir;
  private int counter;

  Plans(WorkingDirectory owner, Path dir) {
    this.owner = owner;
    this.dir = dir;
  }

  /**
   * Plans {@code revision}, which must be materialized. A plan without changes is read from the UI
   * stream alone (identities only), which saves a process start per in-sync pass, unless {@code
   * readValues} asks for the attribute values or the outputs are not known yet.
   */
  SavedPlan plan(String revision, PlanMode mode, boolean readValues) throws TargetException {
    WorkingDirectory.createOwnerOnly(dir);
    Path file = dir.resolve("plan-" + (++counter) + ".tfplan");
    WorkingDirectory.Settings settings = owner.settings();
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
    BinaryRunner.Result result =
        owner
            .runner()
            .run(owner.path(), args, message -> UiStream.dispatch(message, settings.listener()));
    if (result.exit() != 0 && result.exit() != 2) {
      delete(file);
      throw failure("plan", result, owner.runner());
    }
    PlanView view;
    try {
      // The first plan of a process reads the values anyway: the outputs come with them.
      boolean values = readValues || !owner.outputReader().known();
      view = result.exit() == 0 && !values ? PlanView.unchanged(result.messages()) : show(file);
    } catch (TargetException e) {
      delete(file);
      throw e;
    }
    SavedPlan plan = new SavedPlan(revision, mode, file, view);
    LOG.info(
        "planned {} ({}): {} resource changes, digest {}",
        revision,
        mode,
        view.changes().stream().filter(c -> PlanView.writes(c.actions())).count(),
        plan.shortDigest());
    return plan;
  }

  /** The whole plan, with attribute values, read with {@code show -json FILE}. */
  private PlanView show(Path file) throws TargetException {
    BinaryRunner.Result show =
        owner.runner().run(owner.path(), List.of("show", "-json", "-no-color", file.toString()));
    if (show.exit() != 0) {
      throw new TargetException("show -json failed: " + owner.runner().failureText(show), true);
    }
    try {
      JsonNode plan = JSON.readTree(show.stdout());
      owner.runner().redactor().learn(plan);
      owner.outputReader().readState(plan);
      return PlanView.parse(plan);
    } catch (IOException e) {
      throw new TargetException("show -json printed no JSON: " + e.getMessage(), true, e);
    }
  }

  /** Deletes {@code plan}'s file if it is still there. */
  void discard(SavedPlan plan) {
    delete(plan.file());
  }

  /** Deletes every plan file in {@code plans/}. */
  void discardAll() {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "plan-*.tfplan")) {
      files.forEach(Plans::delete);
    } catch (IOException e) {
      LOG.warn("cannot list plan files in {}", dir, e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("cannot delete plan file {}", file, e);
    }
  }

  /** Classifies a failed plan: lock and provider errors are transient, configuration errors not. */
  static TargetException failure(String command, BinaryRunner.Result result, BinaryRunner runner) {
    List<JsonNode> errors = UiStream.errors(result.messages());
    String text =
        errors.isEmpty()
            ? runner.failureText(result)
            : String.join("; ", errors.stream().map(UiStream::describe).toList());
    if (UiStream.isLockError(errors, result.stderr())) {
      return new TargetException(command + " failed: the state is locked: " + text, true);
    }
    boolean configuration =
        !errors.isEmpty()
            && errors.stream().allMatch(d -> d.path("range").has("filename") && !d.has("address"));
    return new TargetException(command + " failed: " + text, !configuration);
  }
}
