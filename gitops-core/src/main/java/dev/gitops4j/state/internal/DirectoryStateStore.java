package dev.gitops4j.state.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gitops4j.internal.AtomicFiles;
import dev.gitops4j.state.StateStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One JSON object per application, {@code <name>.state.json}. A change reads, edits and atomically
 * replaces the file while holding a lock on {@code <name>.state.lock}, so concurrent writers on one
 * machine never lose each other's keys and a crash leaves the old or the new file.
 */
public final class DirectoryStateStore implements StateStore {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final TypeReference<TreeMap<String, String>> VALUES = new TypeReference<>() {};

  private static final Map<Path, Object> LOCAL_LOCKS = new ConcurrentHashMap<>();

  private final Path directory;

  public DirectoryStateStore(Path directory) {
    this.directory = directory;
  }

  @Override
  public Map<String, String> read(String application) throws IOException {
    return Map.copyOf(load(file(application)));
  }

  @Override
  public void put(String application, String key, String value) throws IOException {
    change(application, values -> values.put(key, value));
  }

  @Override
  public void remove(String application, String key) throws IOException {
    change(application, values -> values.remove(key));
  }

  private void change(String application, Consumer<Map<String, String>> edit) throws IOException {
    Files.createDirectories(directory);
    Path lockFile =
        directory
            .resolve(AtomicFiles.safeName(application) + ".state.lock")
            .toAbsolutePath()
            .normalize();
    // A file lock is held per process: threads, and stores on the same folder, queue here first.
    synchronized (LOCAL_LOCKS.computeIfAbsent(lockFile, path -> new Object())) {
      try (FileChannel channel =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        Path file = file(application);
        TreeMap<String, String> values = load(file);
        edit.accept(values);
        AtomicFiles.replace(file, JSON.writeValueAsBytes(values));
      }
    }
  }

  private static TreeMap<String, String> load(Path file) throws IOException {
    if (!Files.exists(file)) {
      return new TreeMap<>();
    }
    try {
      return JSON.readValue(file.toFile(), VALUES);
    } catch (IOException e) {
      throw new IOException(file + ": not a state file (" + e.getMessage() + ")", e);
    }
  }

  private Path file(String application) {
    return directory.resolve(AtomicFiles.safeName(application) + ".state.json");
  }
}
