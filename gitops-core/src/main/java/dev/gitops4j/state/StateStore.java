package dev.gitops4j.state;

import dev.gitops4j.state.internal.DirectoryStateStore;
import dev.gitops4j.state.internal.MemoryStateStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The engine's state that must outlive the process and be shared by replicas: per application, a
 * few small text values under fixed keys — the rollback pin, a suspension, an approval waiting to
 * be applied, the revision last brought in sync.
 *
 * <p>Every call is atomic and durable when it returns. The engine reads an application's values
 * once at the start of each pass, so what one replica writes (an approval, say) is seen by the pass
 * another replica runs next.
 *
 * <p>Pick {@link #inDirectory} for one process, a shared database store for several replicas, and
 * {@link #inMemory} for tests: with it a restart forgets pins, suspensions and approvals.
 */
public interface StateStore {

  /** Every value stored for {@code application}, by key; empty when there is none. */
  Map<String, String> read(String application) throws IOException;

  /** Stores {@code value} under {@code key}, replacing what was there. */
  void put(String application, String key, String value) throws IOException;

  /** Removes {@code key}; does nothing when it is absent. */
  void remove(String application, String key) throws IOException;

  /** Values kept in this process only. */
  static StateStore inMemory() {
    return new MemoryStateStore();
  }

  /**
   * One JSON file per application in {@code directory}, replaced atomically; processes of one
   * machine sharing the folder are serialised by a file lock.
   */
  static StateStore inDirectory(Path directory) {
    return new DirectoryStateStore(directory);
  }
}
