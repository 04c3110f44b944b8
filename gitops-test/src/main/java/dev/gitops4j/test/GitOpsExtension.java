package dev.gitops4j.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects a fresh {@link InMemoryTarget} and a fresh {@link GitRepoFixture}
 * (in its own temporary folder, deleted after the test) into test methods and constructors.
 *
 * <pre>{@code
 * @ExtendWith(GitOpsExtension.class)
 * class MyTest {
 *   @Test
 *   void syncs(GitRepoFixture repo, InMemoryTarget target) { ... }
 * }
 * }</pre>
 */
public final class GitOpsExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(GitOpsExtension.class);

  /** Created by JUnit for {@code @ExtendWith(GitOpsExtension.class)}. */
  public GitOpsExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == InMemoryTarget.class || type == GitRepoFixture.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (type == InMemoryTarget.class) {
      return InMemoryTarget.create();
    }
    try {
      Path dir = Files.createTempDirectory("gitops4j-repo-");
      GitRepoFixture repo = GitRepoFixture.create(dir);
      context.getStore(NAMESPACE).put(repo, new Cleanup(repo, dir));
      return repo;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Closed by JUnit when the test's store closes, after the test. */
  private record Cleanup(GitRepoFixture repo, Path dir) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      repo.close();
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
  }
}
