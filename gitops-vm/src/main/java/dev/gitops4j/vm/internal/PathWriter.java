package dev.gitops4j.vm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.vm.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes and deletes the paths of one host for one pass: files replaced atomically, directories,
 * symlinks, absent paths removed, metadata-only changes as {@code chmod}/{@code chown}. The state
 * file learns of a path (and of the handlers it notifies) before the path is written, and forgets a
 * pruned path only after it is gone. A write through a symlinked parent that leads outside the
 * allowed roots is refused here too (after {@link StepChecks} refused it before the first write),
 * since the host may change in between.
 */
public final class PathWriter {

  private final HostLayout layout;
  private final HostStateFile stateFile;
  private final RealRoots realRoots;

  public PathWriter(HostLayout layout, HostStateFile stateFile, RealRoots realRoots) {
    this.layout = layout;
    this.stateFile = stateFile;
    this.realRoots = realRoots;
  }

  /** Creates or updates the path of {@code step}; returns what was done. */
  public String write(Transport t, Step step) throws IOException, TargetException {
    ResourceId id = step.id();
    JsonNode desired = step.desired().body();
    String path = id.name();
    String where = step.desired().origin() + ": ";
    if (!PathRules.strictlyInside(path, layout.allowedRoots())) {
      throw new TargetException(
          where + path + " is outside the allowed roots " + layout.allowedRoots(), false);
    }
    checkRealParent(t, path, where);
    List<String> handlers = HostResourceFields.strings(desired.path(HostResourceFields.ON_CHANGE));
    // Remember the handlers before writing: a crash after the write still runs them next pass.
    stateFile.update(
        t, s -> s.pending().addAll(handlers) | s.resources().add(HostStateFile.key(id)));
    String phys = layout.physical(path);
    HostDirectories.ensure(t, layout, PathRules.parent(path), 0755);
    String liveType = step.live() == null ? null : HostResourceFields.type(step.live().body());
    String owner = HostResourceFields.text(desired, HostResourceFields.OWNER);
    String group = HostResourceFields.text(desired, HostResourceFields.GROUP);
    switch (id.kind()) {
      case HostResourceFields.FILE -> {
        clearOtherType(t, phys, liveType, HostResourceFields.FILE);
        JsonNode live = step.live() == null ? null : step.live().body();
        boolean sameContent =
            live != null
                && HostResourceFields.FILE.equals(liveType)
                && desired
                    .path(HostResourceFields.SHA256)
                    .asText()
                    .equals(live.path(HostResourceFields.SHA256).asText());
        if (sameContent) {
          return metadata(t, phys, desired, live);
        }
        byte[] content = HostResourceFields.content(desired);
        t.writeAtomically(phys, content, HostResourceFields.mode(desired, 0644), owner, group);
        return "wrote " + content.length + " bytes to " + path + suffix(handlers);
      }
      case HostResourceFields.DIRECTORY -> {
        clearOtherType(t, phys, liveType, HostResourceFields.DIRECTORY);
        if (!HostResourceFields.DIRECTORY.equals(liveType)) {
          t.mkdir(phys, HostResourceFields.mode(desired, 0755));
          if (owner != null || group != null) {
            t.chown(phys, owner, group);
          }
          return "created directory " + path + suffix(handlers);
        }
        return metadata(t, phys, desired, step.live().body());
      }
      case HostResourceFields.SYMLINK -> {
        clearOtherType(t, phys, liveType, HostResourceFields.SYMLINK);
        String target = desired.path(HostResourceFields.TARGET).asText();
        String physicalTarget =
            target.startsWith("/") && !layout.prefix().isEmpty() ? layout.physical(target) : target;
        t.symlink(phys, physicalTarget);
        return "linked " + path + " -> " + target + suffix(handlers);
      }
      case HostResourceFields.ABSENT -> {
        if (liveType == null || HostResourceFields.ABSENT.equals(liveType)) {
          return "already absent: " + path;
        }
        if (t.isNonEmptyDirectory(phys)) {
          throw new TargetException(
              where + path + " must be absent but is a non-empty directory; remove it by hand",
              false);
        }
        t.delete(phys);
        return "removed " + path + suffix(handlers);
      }
      default -> throw new TargetException("unknown kind " + id.kind(), false);
    }
  }

  /**
   * Prunes the path of {@code step} when it is still what was created, and forgets it; a handler or
   * an absent path is only forgotten.
   */
  public String delete(Transport t, Step step) throws IOException, TargetException {
    ResourceId id = step.id();
    String kind = id.kind();
    if (kind.equals(HostResourceFields.HANDLER) || kind.equals(HostResourceFields.ABSENT)) {
      stateFile.update(
          t, s -> s.resources().remove(HostStateFile.key(id)) | s.pending().remove(id.name()));
      return "stopped managing " + id.kind() + " " + id.name();
    }
    String path = id.name();
    checkRealParent(t, path, "");
    String phys = layout.physical(path);
    Optional<Transport.Stat> now = t.stat(List.of(phys)).get(0);
    String remark;
    if (now.isEmpty()) {
      remark = "already gone: " + path;
    } else if (!kind.equals(
        HostResourceFields.live(now.get()).path(HostResourceFields.TYPE).asText())) {
      remark = "left " + path + " in place: it is no longer a " + kind;
    } else if (kind.equals(HostResourceFields.DIRECTORY) && t.isNonEmptyDirectory(phys)) {
      remark = "left directory " + path + " in place: it holds unmanaged entries";
    } else {
      t.delete(phys);
      remark = "deleted " + path;
    }
    stateFile.update(t, s -> s.resources().remove(HostStateFile.key(id)));
    return remark;
  }

  /**
   * Removes what sits at the path when it is not of the declared type, refusing to empty
   * directories.
   */
  private static void clearOtherType(Transport t, String phys, String liveType, String kind)
      throws IOException, TargetException {
    if (liveType == null || liveType.equals(kind) || HostResourceFields.ABSENT.equals(liveType)) {
      return;
    }
    if (HostResourceFields.SYMLINK.equals(kind) || HostResourceFields.FILE.equals(kind)) {
      // A rename replaces a file or symlink in one step; only a directory is in the way.
      if (!HostResourceFields.DIRECTORY.equals(liveType)) {
        return;
      }
    }
    if (t.isNonEmptyDirectory(phys)) {
      throw new TargetException(
          phys + " is a non-empty directory where a " + kind + " is declared; remove it by hand",
          false);
    }
    t.delete(phys);
  }

  private String metadata(Transport t, String phys, JsonNode desired, JsonNode live)
      throws IOException {
    List<String> done = new ArrayList<>();
    String mode = HostResourceFields.text(desired, HostResourceFields.MODE);
    if (mode != null && !mode.equals(HostResourceFields.text(live, HostResourceFields.MODE))) {
      t.chmod(phys, Integer.parseInt(mode, 8));
      done.add("mode " + mode);
    }
    String owner = HostResourceFields.text(desired, HostResourceFields.OWNER);
    String group = HostResourceFields.text(desired, HostResourceFields.GROUP);
    boolean ownerDiffers =
        owner != null && !owner.equals(HostResourceFields.text(live, HostResourceFields.OWNER));
    boolean groupDiffers =
        group != null && !group.equals(HostResourceFields.text(live, HostResourceFields.GROUP));
    if (ownerDiffers || groupDiffers) {
      t.chown(phys, ownerDiffers ? owner : null, groupDiffers ? group : null);
      done.add("owner " + (owner == null ? "" : owner) + ":" + (group == null ? "" : group));
    }
    return done.isEmpty()
        ? "unchanged " + layout.logical(phys)
        : "set " + String.join(", ", done) + " on " + layout.logical(phys);
  }

  private static String suffix(List<String> handlers) {
    return handlers.isEmpty() ? "" : "; notifies " + String.join(", ", handlers);
  }

  /** Refuses writes through a symlinked parent that leads outside the allowed roots. */
  private void checkRealParent(Transport t, String path, String where)
      throws IOException, TargetException {
    String real = t.realPath(layout.physical(PathRules.parent(path)));
    if (!realRoots.contain(t, real)) {
      throw new TargetException(where + realRoots.refusal("write", path, real), false);
    }
  }
}
