package dev.gitops4j.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * A real Git repository in a temporary folder, for tests that need commits: write files, commit,
 * tag, branch and hand the {@link #uri()} to a Git source.
 *
 * <pre>{@code
 * GitRepoFixture repo = GitRepoFixture.create(tempDir);
 * String first = repo.commit("add app", Map.of("app/cm.yaml", "kind: ConfigMap ..."));
 * }</pre>
 */
public final class GitRepoFixture implements AutoCloseable {

  private static final PersonIdent AUTHOR = new PersonIdent("Test Author", "author@example.test");

  private final Path workTree;
  private final Git git;

  private GitRepoFixture(Path workTree, Git git) {
    this.workTree = workTree;
    this.git = git;
  }

  /** Initializes an empty repository with branch {@code main} in {@code dir}. */
  public static GitRepoFixture create(Path dir) {
    try {
      Files.createDirectories(dir);
      Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
      return new GitRepoFixture(dir, git);
    } catch (GitAPIException | IOException e) {
      throw new IllegalStateException("cannot create a Git repository in " + dir, e);
    }
  }

  /** The repository's {@code file://} URI. */
  public String uri() {
    return workTree.toUri().toString();
  }

  /** The working tree folder. */
  public Path directory() {
    return workTree;
  }

  /** The underlying JGit handle, for anything this fixture does not cover. */
  public Git git() {
    return git;
  }

  /**
   * Writes {@code files} (path → UTF-8 content; {@code null} content deletes the file) and commits
   * them on the current branch.
   *
   * @return the new commit id
   */
  public String commit(String message, Map<String, String> files) {
    try {
      for (Map.Entry<String, String> entry : files.entrySet()) {
        Path file = workTree.resolve(entry.getKey()).normalize();
        if (!file.startsWith(workTree)) {
          throw new IllegalArgumentException("path leaves the repository: " + entry.getKey());
        }
        if (entry.getValue() == null) {
          Files.deleteIfExists(file);
        } else {
          Files.createDirectories(file.getParent());
          Files.writeString(file, entry.getValue(), StandardCharsets.UTF_8);
        }
      }
      git.add().addFilepattern(".").call();
      git.add().addFilepattern(".").setUpdate(true).call();
      RevCommit commit =
          git.commit()
              .setMessage(message)
              .setAuthor(AUTHOR)
              .setCommitter(AUTHOR)
              .setAllowEmpty(true)
              .setSign(false)
              .call();
      return commit.getName();
    } catch (GitAPIException e) {
      throw new IllegalStateException("commit failed: " + message, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes {@code paths} and commits. */
  public String delete(String message, String... paths) {
    Map<String, String> removals = new java.util.HashMap<>();
    for (String path : paths) {
      removals.put(path, null);
    }
    return commit(message, removals);
  }

  /** Tags the current head with a lightweight tag. */
  public void tag(String name) {
    try {
      git.tag().setName(name).setAnnotated(false).call();
    } catch (GitAPIException e) {
      throw new IllegalStateException("tag failed: " + name, e);
    }
  }

  /** Creates {@code name} at the current head if needed and checks it out. */
  public void checkout(String name) {
    try {
      boolean exists = git.getRepository().findRef("refs/heads/" + name) != null;
      git.checkout().setName(name).setCreateBranch(!exists).call();
    } catch (GitAPIException | IOException e) {
      throw new IllegalStateException("checkout failed: " + name, e);
    }
  }

  /** The commit id the current branch points at. */
  public String head() {
    try {
      return Objects.requireNonNull(git.getRepository().resolve("HEAD"), "no commit yet").getName();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    git.close();
  }
}
