package dev.gitops4j.vm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.internal.Digests;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.Problem;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.vm.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validate all, then apply: checks every step of a plan against one host before the first write, so
 * a step the host would refuse fails the pass with nothing of the revision written. Each problem
 * names the declaring file and line (for a pruned path, the host's state file, which lists it).
 *
 * <ul>
 *   <li>Without I/O: the step belongs to the host; its path is plain, strictly inside an allowed
 *       root and outside the state directory; its body fits its kind (mode as octal permission
 *       bits, owner and group as account names, file content matching its hash, a symlink target, a
 *       handler command).
 *   <li>On the host, in batches: the real directory of every path (symlinks resolved) is inside the
 *       allowed roots; no non-empty directory stands where a file, symlink or absent path is
 *       declared; every owner and group to be set exists on the host.
 * </ul>
 */
public final class StepChecks {

  private static final Pattern MODE = Pattern.compile("[0-7]{3,4}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final HostLayout layout;
  private final RealRoots realRoots;

  public StepChecks(HostLayout layout, RealRoots realRoots) {
    this.layout = layout;
    this.realRoots = realRoots;
  }

  /**
   * Checks every step of {@code plan}.
   *
   * @throws InvalidDesiredStateException listing every step the host would refuse
   * @throws IOException when the host cannot be asked
   */
  public void check(Transport t, Plan plan) throws IOException, InvalidDesiredStateException {
    List<Problem> problems = new ArrayList<>();
    List<Step> onHost = new ArrayList<>();
    for (Step step : plan.steps()) {
      int before = problems.size();
      checkBody(step, problems);
      if (problems.size() == before) {
        onHost.add(step);
      }
    }
    checkRealDirectories(t, onHost, problems);
    checkDirectoriesInTheWay(t, onHost, problems);
    checkAccounts(t, onHost, problems);
    if (!problems.isEmpty()) {
      throw new InvalidDesiredStateException(problems);
    }
  }

  // ---------------------------------------------------------------- without I/O

  private void checkBody(Step step, List<Problem> problems) {
    ResourceId id = step.id();
    Origin origin = origin(step);
    if (!layout.host().equals(id.scope())) {
      problems.add(new Problem(origin, id + " does not belong to host " + layout.host()));
      return;
    }
    boolean handler = id.kind().equals(HostResourceFields.HANDLER);
    if (!handler && !isPathKind(id.kind())) {
      problems.add(new Problem(origin, "unknown kind " + id.kind() + " of " + id.name()));
      return;
    }
    if (!handler) {
      String bad = PathRules.checkPlain(id.name());
      if (bad != null) {
        problems.add(new Problem(origin, bad + where()));
        return;
      }
    }
    if (step.action() == Step.Action.DELETE) {
      return;
    }
    JsonNode body = step.desired().body();
    if (handler) {
      if (body.path(HostResourceFields.COMMAND).asText("").isBlank()) {
        problems.add(new Problem(origin, "handler " + id.name() + " has no command"));
      }
      return;
    }
    String path = id.name();
    if (!PathRules.strictlyInside(path, layout.allowedRoots())) {
      problems.add(
          new Problem(
              origin,
              "path " + path + where() + " is outside the allowed roots " + layout.allowedRoots()));
      return;
    }
    if (PathRules.insideOrEqual(path, List.of(layout.stateDirectory()))) {
      problems.add(
          new Problem(
              origin, "path " + path + where() + " is inside the target's state directory"));
      return;
    }
    if (!id.kind().equals(HostResourceFields.type(body))) {
      problems.add(
          new Problem(
              origin,
              path
                  + ": a "
                  + id.kind()
                  + " declared with type '"
                  + HostResourceFields.type(body)
                  + "'"));
      return;
    }
    String mode = HostResourceFields.text(body, HostResourceFields.MODE);
    if (mode != null && !MODE.matcher(mode).matches()) {
      problems.add(
          new Problem(
              origin, path + ": mode '" + mode + "' is not octal permission bits such as '0644'"));
    }
    for (String field : List.of(HostResourceFields.OWNER, HostResourceFields.GROUP)) {
      String account = HostResourceFields.text(body, field);
      if (account != null && !FieldChecks.ACCOUNT.matcher(account).matches()) {
        problems.add(new Problem(origin, path + ": invalid " + field + " '" + account + "'"));
      }
    }
    if (id.kind().equals(HostResourceFields.FILE)) {
      checkContent(path, body, origin, problems);
    } else if (id.kind().equals(HostResourceFields.SYMLINK)
        && body.path(HostResourceFields.TARGET).asText("").isEmpty()) {
      problems.add(new Problem(origin, path + ": a symlink needs a target"));
    }
  }

  private static void checkContent(String path, JsonNode body, Origin origin, List<Problem> out) {
    String sha256 = body.path(HostResourceFields.SHA256).asText("");
    byte[] content;
    try {
      content = HostResourceFields.content(body);
    } catch (IllegalArgumentException e) {
      out.add(new Problem(origin, path + ": content is not base64"));
      return;
    }
    if (!SHA256.matcher(sha256).matches() || !sha256.equals(Digests.sha256Hex(content))) {
      out.add(new Problem(origin, path + ": sha256 does not match the content"));
    }
  }

  // ---------------------------------------------------------------- on the host

  /** Every path's real directory (symlinks resolved) is inside the allowed roots. */
  private void checkRealDirectories(Transport t, List<Step> steps, List<Problem> problems)
      throws IOException {
    Map<String, List<Step>> byParent = new LinkedHashMap<>();
    for (Step step : steps) {
      if (isPathKind(step.id().kind())
          && !(step.action() == Step.Action.DELETE
              && step.id().kind().equals(HostResourceFields.ABSENT))) {
        String parent = layout.physical(PathRules.parent(step.id().name()));
        byParent.computeIfAbsent(parent, p -> new ArrayList<>()).add(step);
      }
    }
    if (byParent.isEmpty()) {
      return;
    }
    List<String> parents = List.copyOf(byParent.keySet());
    List<String> real = t.realPaths(parents);
    for (int i = 0; i < parents.size(); i++) {
      if (realRoots.contain(t, real.get(i))) {
        continue;
      }
      for (Step step : byParent.get(parents.get(i))) {
        String action = step.action() == Step.Action.DELETE ? "delete" : "write";
        problems.add(
            new Problem(origin(step), realRoots.refusal(action, step.id().name(), real.get(i))));
      }
    }
  }

  /** No non-empty directory stands where a file, symlink or absent path is declared. */
  private void checkDirectoriesInTheWay(Transport t, List<Step> steps, List<Problem> problems)
      throws IOException {
    for (Step step : steps) {
      String kind = step.id().kind();
      if (step.action() == Step.Action.DELETE
          || step.live() == null
          || kind.equals(HostResourceFields.DIRECTORY)
          || kind.equals(HostResourceFields.HANDLER)
          || !HostResourceFields.DIRECTORY.equals(HostResourceFields.type(step.live().body()))) {
        continue;
      }
      String path = step.id().name();
      if (t.isNonEmptyDirectory(layout.physical(path))) {
        problems.add(
            new Problem(
                origin(step),
                kind.equals(HostResourceFields.ABSENT)
                    ? path + " must be absent but is a non-empty directory; remove it by hand"
                    : path
                        + " is a non-empty directory where a "
                        + kind
                        + " is declared; remove it by hand"));
      }
    }
  }

  /** Every owner and group a step would set exists on the host. */
  private void checkAccounts(Transport t, List<Step> steps, List<Problem> problems)
      throws IOException {
    Map<ResourceId, String> owners = new LinkedHashMap<>();
    Map<ResourceId, String> groups = new LinkedHashMap<>();
    for (Step step : steps) {
      String kind = step.id().kind();
      if (step.action() == Step.Action.DELETE
          || !(kind.equals(HostResourceFields.FILE) || kind.equals(HostResourceFields.DIRECTORY))) {
        continue;
      }
      JsonNode body = step.desired().body();
      JsonNode live = step.live() == null ? null : step.live().body();
      String owner = toSet(body, live, HostResourceFields.OWNER);
      if (owner != null) {
        owners.put(step.id(), owner);
      }
      String group = toSet(body, live, HostResourceFields.GROUP);
      if (group != null) {
        groups.put(step.id(), group);
      }
    }
    Set<String> unknownUsers =
        owners.isEmpty() ? Set.of() : t.unknownUsers(new LinkedHashSet<>(owners.values()));
    Set<String> unknownGroups =
        groups.isEmpty() ? Set.of() : t.unknownGroups(new LinkedHashSet<>(groups.values()));
    for (Step step : steps) {
      String owner = owners.get(step.id());
      if (owner != null && unknownUsers.contains(owner)) {
        problems.add(
            new Problem(
                origin(step),
                "owner '"
                    + owner
                    + "' of "
                    + step.id().name()
                    + " is not a user on host "
                    + layout.host()));
      }
      String group = groups.get(step.id());
      if (group != null && unknownGroups.contains(group)) {
        problems.add(
            new Problem(
                origin(step),
                "group '"
                    + group
                    + "' of "
                    + step.id().name()
                    + " is not a group on host "
                    + layout.host()));
      }
    }
  }

  /** The owner or group {@code field} a step sets: declared and not already the live one. */
  private static String toSet(JsonNode desired, JsonNode live, String field) {
    String value = HostResourceFields.text(desired, field);
    if (value == null || (live != null && value.equals(HostResourceFields.text(live, field)))) {
      return null;
    }
    return value;
  }

  // ---------------------------------------------------------------- plumbing

  private static boolean isPathKind(String kind) {
    return kind.equals(HostResourceFields.FILE)
        || kind.equals(HostResourceFields.DIRECTORY)
        || kind.equals(HostResourceFields.SYMLINK)
        || kind.equals(HostResourceFields.ABSENT);
  }

  /** Where the step was declared; a pruned path is listed in the host's state file. */
  private Origin origin(Step step) {
    DesiredResource desired = step.desired();
    if (desired != null) {
      return desired.origin();
    }
    return Origin.of(layout.stateFile() + " on host " + layout.host(), 0);
  }

  private String where() {
    return " (host " + layout.host() + ")";
  }
}
