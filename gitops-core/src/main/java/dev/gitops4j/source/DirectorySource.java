package dev.gitops4j.source;

import dev.gitops4j.source.SourceException.Reason;
import dev.gitops4j.source.internal.ContentHash;
import dev.gitops4j.source.internal.LimitTracker;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A local folder as a {@link Source}. The revision is a SHA-256, in hex, over the sorted file paths
 * and contents, so it changes exactly when the files do.
 *
 * <p>The same {@link SourceLimits} and symlink rule as {@link GitSource} apply: a symlink must be
 * relative and resolve to a regular file inside the folder. {@code .git} directories are skipped.
 */
public final class DirectorySource implements Source {

  private final Path root;
  private final SourceLimits limits;

  private DirectorySource(Path root, SourceLimits limits) {
    this.root = root;
    this.limits = limits;
  }

  /** A source over {@code directory} with default limits. */
  public static DirectorySource of(Path directory) {
    return of(directory, SourceLimits.ofDefaults());
  }

  public static DirectorySource of(Path directory, SourceLimits limits) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(limits, "limits");
    return new DirectorySource(directory.toAbsolutePath().normalize(), limits);
  }

  public Path directory() {
    return root;
  }

  @Override
  public String resolve() throws SourceException {
    return ContentHash.of(scan());
  }

  @Override
  public Snapshot read(String revision) throws SourceException {
    List<SourceFile> files = scan();
    String current = ContentHash.of(files);
    if (!current.equals(revision)) {
      throw new SourceException(
          Reason.NOT_FOUND,
          "revision " + revision + " of " + describe() + " is gone; the folder now has " + current);
    }
    return new Snapshot(current, null, files);
  }

  @Override
  public String describe() {
    return "directory " + root;
  }

  @Override
  public String toString() {
    return describe();
  }

  private List<SourceFile> scan() throws SourceException {
    if (!Files.isDirectory(root)) {
      throw new SourceException(Reason.NOT_FOUND, "directory " + root + " does not exist");
    }
    Path realRoot;
    try {
      realRoot = root.toRealPath();
    } catch (IOException e) {
      throw new SourceException(Reason.NOT_FOUND, "cannot open directory " + root, e);
    }
    LimitTracker tracker = new LimitTracker(limits);
    List<SourceFile> files = new ArrayList<>();
    try {
      Files.walkFileTree(
          realRoot,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                throws IOException {
              if (dir.equals(realRoot)) {
                return FileVisitResult.CONTINUE;
              }
              if (dir.getFileName().toString().equals(".git")) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              String relative = relative(realRoot, dir);
              checked(
                  () -> tracker.enterDirectory(relative, realRoot.relativize(dir).getNameCount()));
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              String relative = relative(realRoot, file);
              Path target = file;
              if (attrs.isSymbolicLink()) {
                target = checkedLink(realRoot, file, relative);
              } else if (!attrs.isRegularFile()) {
                throw new Wrapped(
                    new SourceException(
                        Reason.UNSAFE_CONTENT, "'" + relative + "' is not a regular file"));
              }
              long size = Files.size(target);
              checked(() -> tracker.addFile(relative, size));
              byte[] content = Files.readAllBytes(target);
              if (content.length != size) {
                // Changed while reading; count what was read.
                checked(() -> tracker.addFile(relative, content.length - size));
              }
              files.add(new SourceFile(relative, content));
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (Wrapped e) {
      throw e.exception;
    } catch (IOException e) {
      throw new SourceException(Reason.OTHER, "cannot read " + describe() + ": " + e, e);
    }
    return files;
  }

  private static Path checkedLink(Path realRoot, Path link, String relative) throws IOException {
    Path target = Files.readSymbolicLink(link);
    if (target.isAbsolute()) {
      throw unsafe(relative, "points to the absolute path '" + target + "'");
    }
    Path lexical = link.getParent().resolve(target).normalize();
    if (!lexical.startsWith(realRoot)) {
      throw unsafe(relative, "points to '" + target + "', outside the directory");
    }
    Path real;
    try {
      real = lexical.toRealPath();
    } catch (NoSuchFileException e) {
      throw new Wrapped(
          new SourceException(
              Reason.NOT_FOUND,
              "symlink '" + relative + "' points to '" + target + "', which does not exist"));
    }
    if (!real.startsWith(realRoot)) {
      throw unsafe(relative, "points to '" + target + "', which leads outside the directory");
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw unsafe(relative, "points to '" + target + "', which is not a regular file");
    }
    return real;
  }

  private static Wrapped unsafe(String link, String why) {
    return new Wrapped(new SourceException(Reason.UNSAFE_CONTENT, "symlink '" + link + "' " + why));
  }

  private static String relative(Path root, Path path) {
    StringBuilder out = new StringBuilder();
    for (Path part : root.relativize(path)) {
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(part);
    }
    return out.toString();
  }

  private static void checked(Check check) throws Wrapped {
    try {
      check.run();
    } catch (SourceException e) {
      throw new Wrapped(e);
    }
  }

  private interface Check {
    void run() throws SourceException;
  }

  /** Carries a SourceException through the IOException-only file visitor. */
  private static final class Wrapped extends IOException {
    private static final long serialVersionUID = 1L;
    final transient SourceException exception;

    Wrapped(SourceException exception) {
      super(exception.getMessage());
      this.exception = exception;
    }
  }
}
