package dev.gitops4j.source.internal;

import dev.gitops4j.source.SourceException;
import dev.gitops4j.source.SourceException.Reason;
import dev.gitops4j.source.SourceFile;
import dev.gitops4j.source.SourceLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Reads the files below a sub-path of a commit tree straight from the object database, without a
 * working checkout, enforcing {@link SourceLimits} before any content is loaded.
 *
 * <p>Symlinks are resolved inside the tree: a link whose target stays below the sub-path yields the
 * target's content under the link's path; absolute targets and targets outside the sub-path are
 * refused. Submodules are refused, since their content is not in this repository.
 */
public final class TreeReader {

  private static final int MAX_LINK_HOPS = 16;

  private final ObjectReader reader;
  private final RevTree root;
  private final String subPath;
  private final LimitTracker limits;

  public TreeReader(ObjectReader reader, RevTree root, String subPath, SourceLimits limits) {
    this.reader = reader;
    this.root = root;
    this.subPath = subPath;
    this.limits = new LimitTracker(limits);
  }

  /** The files below the sub-path, with paths relative to it. */
  public List<SourceFile> read() throws SourceException, IOException {
    ObjectId start = root;
    if (!subPath.isEmpty()) {
      try (TreeWalk walk = TreeWalk.forPath(reader, subPath, root)) {
        if (walk == null) {
          throw new SourceException(Reason.NOT_FOUND, "path '" + subPath + "' does not exist");
        }
        if (walk.getFileMode(0) != FileMode.TREE) {
          throw new SourceException(Reason.NOT_FOUND, "path '" + subPath + "' is not a directory");
        }
        start = walk.getObjectId(0);
      }
    }
    List<SourceFile> files = new ArrayList<>();
    try (TreeWalk walk = new TreeWalk(reader)) {
      walk.addTree(start);
      walk.setRecursive(false);
      while (walk.next()) {
        String relative = walk.getPathString();
        String full = subPath.isEmpty() ? relative : subPath + "/" + relative;
        FileMode mode = walk.getFileMode(0);
        if (mode == FileMode.TREE) {
          limits.enterDirectory(relative, walk.getDepth() + 1);
          walk.enterSubtree();
        } else if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE) {
          files.add(new SourceFile(relative, load(relative, walk.getObjectId(0))));
        } else if (mode == FileMode.SYMLINK) {
          files.add(new SourceFile(relative, followLink(full, relative, walk.getObjectId(0))));
        } else if (mode == FileMode.GITLINK) {
          throw new SourceException(
              Reason.UNSAFE_CONTENT,
              "'"
                  + relative
                  + "' is a submodule (commit "
                  + walk.getObjectId(0).name()
                  + "); submodule content is not part of this repository and is not read");
        } else {
          throw new SourceException(
              Reason.UNSAFE_CONTENT, "'" + relative + "' has unsupported file mode " + mode);
        }
      }
    }
    return files;
  }

  private byte[] load(String relative, ObjectId blob) throws SourceException, IOException {
    ObjectLoader loader = reader.open(blob);
    limits.addFile(relative, loader.getSize());
    return loader.getCachedBytes(Integer.MAX_VALUE);
  }

  private byte[] followLink(String linkPath, String relative, ObjectId blob)
      throws SourceException, IOException {
    String current = linkPath;
    ObjectId currentBlob = blob;
    for (int hop = 0; hop < MAX_LINK_HOPS; hop++) {
      ObjectLoader loader = reader.open(currentBlob);
      if (loader.getSize() > 4096) {
        throw unsafe(relative, "has a target longer than 4096 bytes");
      }
      String target = new String(loader.getCachedBytes(4096), StandardCharsets.UTF_8);
      if (target.startsWith("/")) {
        throw unsafe(relative, "points to the absolute path '" + target + "'");
      }
      Optional<String> resolved = SourcePaths.resolveLink(current, target);
      if (resolved.isEmpty() || !SourcePaths.isWithin(resolved.get(), subPath)) {
        throw unsafe(
            relative,
            "points to '" + target + "', outside '" + (subPath.isEmpty() ? "/" : subPath) + "'");
      }
      try (TreeWalk walk = TreeWalk.forPath(reader, resolved.get(), root)) {
        if (walk == null) {
          throw new SourceException(
              Reason.NOT_FOUND,
              "symlink '" + relative + "' points to '" + target + "', which does not exist");
        }
        FileMode mode = walk.getFileMode(0);
        if (mode == FileMode.SYMLINK) {
          current = resolved.get();
          currentBlob = walk.getObjectId(0);
          continue;
        }
        if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE) {
          return load(relative, walk.getObjectId(0));
        }
        throw unsafe(relative, "points to '" + target + "', which is not a regular file");
      }
    }
    throw unsafe(relative, "has more than " + MAX_LINK_HOPS + " levels of symlinks");
  }

  private static SourceException unsafe(String link, String why) {
    return new SourceException(Reason.UNSAFE_CONTENT, "symlink '" + link + "' " + why);
  }
}
