package dev.gitops4j.render;

import dev.gitops4j.source.SourceFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Reads test resource folders as snapshot files, paths relative to the folder. */
final class TestFolders {

  private TestFolders() {}

  static Path resource(String name) {
    URL url = TestFolders.class.getClassLoader().getResource(name);
    if (url == null) {
      throw new IllegalArgumentException("no test resource " + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every regular file under {@code folder} except {@code except}, as source files. */
  static List<SourceFile> files(Path folder, String except) {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile)
          .filter(path -> !folder.relativize(path).toString().equals(except))
          .map(path -> read(folder, path))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static SourceFile read(Path folder, Path path) {
    try {
      String relative = folder.relativize(path).toString().replace('\\', '/');
      return new SourceFile(relative, Files.readAllBytes(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
