package dev.gitops4j.vm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.vm.Transport;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The state file of one host ({@code <stateDirectory>/<target>@<host>.json}): the application that
 * owns the host's managed paths, those paths (the inventory, and the ownership marker: a path is
 * owned when it is listed) and the handlers waiting to run. Replaced atomically; every change reads
 * the file, changes it and writes it back under one lock, so concurrent steps of a wave and the
 * engine's inventory saves never lose each other's entries.
 */
public final class HostStateFile {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The state file's content. */
  public static final class State {
    private String application = "";
    private final Set<String> resources = new TreeSet<>();
    private final Set<String> pending = new TreeSet<>();

    /** The owning application, or empty before the first save. */
    public String application() {
      return application;
    }

    public void application(String name) {
      this.application = name;
    }

    /** Managed identities as {@code kind:name} keys ({@link HostStateFile#key}). */
    public Set<String> resources() {
      return resources;
    }

    /** Handlers owed a run. */
    public Set<String> pending() {
      return pending;
    }
  }

  private final HostLayout layout;

  public HostStateFile(HostLayout layout) {
    this.layout = layout;
  }

  /** Host path of the file, for messages. */
  public String path() {
    return layout.stateFile();
  }

  /** The file's content; an empty state when there is no file yet. */
  public State read(Transport transport) throws IOException {
    State loaded = new State();
    Optional<byte[]> bytes = transport.read(layout.physical(layout.stateFile()));
    if (bytes.isPresent()) {
      JsonNode root;
      try {
        root = JSON.readTree(bytes.get());
      } catch (IOException e) {
        throw new IOException(
            "state file " + path() + " on host " + layout.host() + " is corrupt", e);
      }
      loaded.application = root.path("application").asText("");
      root.path("resources").forEach(node -> loaded.resources.add(node.asText()));
      root.path("pending").forEach(node -> loaded.pending.add(node.asText()));
    }
    return loaded;
  }

  /** Reads the file, applies {@code change} and writes it back when {@code change} says so. */
  public synchronized void update(Transport transport, Predicate<State> change) throws IOException {
    State current = read(transport);
    if (change.test(current)) {
      write(transport, current);
    }
  }

  private void write(Transport t, State current) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("application", current.application);
    root.put("target", layout.targetName());
    root.put("host", layout.host());
    ArrayNode resources = root.putArray("resources");
    current.resources.forEach(resources::add);
    ArrayNode pending = root.putArray("pending");
    current.pending.forEach(pending::add);
    HostDirectories.ensure(t, layout, layout.stateDirectory(), 0700);
    t.writeAtomically(
        layout.physical(layout.stateFile()),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root),
        0600,
        null,
        null);
  }

  /** {@code kind:name}, how the file lists an identity. */
  public static String key(ResourceId id) {
    return id.kind() + ":" + id.name();
  }

  /** The identity of a listed {@code kind:name} on this host. */
  public ResourceId fromKey(String key) {
    int colon = key.indexOf(':');
    return ResourceId.of(key.substring(0, colon), layout.host(), key.substring(colon + 1));
  }

  /** The identities listed in {@code state}. */
  public List<ResourceId> identities(State state) {
    return state.resources.stream().map(this::fromKey).toList();
  }
}
