package dev.gitops4j.examples.terraform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * A plain Git repository on disk that the example commits to, standing in for the repository a team
 * pushes to. Inspect it afterwards with {@code git log} like any other.
 */
final class LocalRepo implements AutoCloseable {

  private static final PersonIdent AUTHOR = new PersonIdent("Site Team", "team@example.com");

  private final Path directory;
  private final Git git;

  private LocalRepo(Path directory, Git git) {
    this.directory = directory;
    this.git = git;
  }

  /** A new repository with branch {@code main} in {@code directory}. */
  static LocalRepo init(Path directory) throws IOException, GitAPIException {
    Files.createDirectories(directory);
    return new LocalRepo(
        directory, Git.init().setDirectory(directory.toFile()).setInitialBranch("main").call());
  }

  /** What a Git source is given: the repository's {@code file://} URI. */
  String uri() {
    return directory.toUri().toString();
  }

  Path directory() {
    return directory;
  }

  /**
   * Writes {@code files} (path to content; {@code null} deletes the file) and commits them.
   *
   * @return the commit id
   */
  String commit(String message, Map<String, String> files) throws GitAPIException {
    files.forEach(this::write);
    git.add().addFilepattern(".").call();
    git.add().addFilepattern(".").setUpdate(true).call(); // stages deletions too
    return git.commit()
        .setMessage(message)
        .setAuthor(AUTHOR)
        .setCommitter(AUTHOR)
        .setSign(false)
        .call()
        .getName();
  }

  private void write(String path, String content) {
    Path file = directory.resolve(path).normalize();
    if (!file.startsWith(directory)) {
      throw new IllegalArgumentException("path leaves the repository: " + path);
    }
    try {
      if (content == null) {
        Files.deleteIfExists(file);
      } else {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    git.close();
  }
}
