package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.state.StateStore;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each application's {@link AppliedVersions} entries in the engine's {@link StateStore}, so
 * that a restarted process (or another replica) trusts the objects it last applied instead of
 * dry-running every one of them again. Without a store it does nothing.
 *
 * <p>An entry only says "this resourceVersion is the one we wrote for that declared body": any
 * later change of the object gives it another resourceVersion, so an entry can never hide drift.
 */
final class AppliedVersionsMemory {

  private static final Logger LOG = LoggerFactory.getLogger(AppliedVersionsMemory.class);
  static final String KEY = "kubernetes.applied-versions";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StateStore store;
  private final AppliedVersions versions;
  private final Set<String> loaded = ConcurrentHashMap.newKeySet();

  AppliedVersionsMemory(StateStore store, AppliedVersions versions) {
    this.store = store;
    this.versions = versions;
  }

  /** Restores what a previous process stored for {@code application}, once per process. */
  void loadOnce(String application) {
    if (store == null || !loaded.add(application)) {
      return;
    }
    try {
      String stored = store.read(application).get(KEY);
      if (stored != null) {
        versions.restore(decode(stored));
      }
    } catch (IOException | RuntimeException e) {
      // Only the fast path is lost: every object gets a dry run, as on a first start.
      LOG.warn("cannot restore the applied versions of {}: {}", application, e.toString());
    }
  }

  /** Stores the entries of {@code ids} when any entry changed since {@code changesBefore}. */
  void saveIfChanged(String application, Collection<ResourceId> ids, long changesBefore) {
    if (store == null || versions.changes() == changesBefore) {
      return;
    }
    try {
      store.put(application, KEY, encode(versions.entriesOf(ids)));
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot store the applied versions of {}: {}", application, e.toString());
    }
  }

  long changes() {
    return versions.changes();
  }

  /** {@code [[kind, scope or null, name, resourceVersion, hash], ...]}, sorted for stable text. */
  static String encode(Map<ResourceId, AppliedVersions.Applied> entries) throws IOException {
    ArrayNode rows = JSON.createArrayNode();
    entries.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            entry -> {
              ArrayNode row = rows.addArray();
              row.add(entry.getKey().kind());
              row.add(entry.getKey().scope());
              row.add(entry.getKey().name());
              row.add(entry.getValue().resourceVersion());
              row.add(entry.getValue().hash());
            });
    return JSON.writeValueAsString(rows);
  }

  static Map<ResourceId, AppliedVersions.Applied> decode(String text) throws IOException {
    Map<ResourceId, AppliedVersions.Applied> entries = new HashMap<>();
    for (JsonNode row : JSON.readTree(text)) {
      if (row.size() != 5) {
        throw new IOException("an applied-version entry must have 5 fields: " + row);
      }
      ResourceId id =
          new ResourceId(
              row.get(0).asText(),
              row.get(1).isNull() ? null : row.get(1).asText(),
              row.get(2).asText());
      entries.put(id, new AppliedVersions.Applied(row.get(3).asText(), row.get(4).asText()));
    }
    return entries;
  }
}
