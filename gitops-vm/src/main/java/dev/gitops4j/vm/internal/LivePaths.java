package dev.gitops4j.vm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.diff.StructuralDiffer;
import dev.gitops4j.internal.Digests;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.vm.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the live state of one host's managed paths (declared or in the inventory) in one batch of
 * {@code stat}s, reduced to the fields Git declares, and works out which handlers owe a run: those
 * watching a path that is about to change, and those left pending by an earlier pass.
 */
public final class LivePaths {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What one observation found.
   *
   * @param live the live state of the host's managed paths and handlers
   * @param handlerReasons for each declared handler, why it owes a run (empty when it does not)
   */
  public record Observed(LiveState live, Map<String, List<String>> handlerReasons) {}

  private final HostLayout layout;
  private final HostStateFile stateFile;
  private final StructuralDiffer differ;

  public LivePaths(HostLayout layout, HostStateFile stateFile, StructuralDiffer differ) {
    this.layout = layout;
    this.stateFile = stateFile;
    this.differ = differ;
  }

  public Observed observe(Transport transport, DesiredState desired, Inventory inventory)
      throws IOException {
    String host = layout.host();
    Map<ResourceId, DesiredResource> wanted = new LinkedHashMap<>();
    desired
        .resources()
        .forEach(
            (id, r) -> {
              if (host.equals(id.scope())) {
                wanted.put(id, r);
              }
            });
    Set<ResourceId> ids = new TreeSet<>(wanted.keySet());
    inventory.resources().stream().filter(id -> host.equals(id.scope())).forEach(ids::add);
    List<ResourceId> paths =
        ids.stream().filter(id -> !id.kind().equals(HostResourceFields.HANDLER)).toList();
    List<Optional<Transport.Stat>> stats =
        transport.stat(paths.stream().map(id -> layout.physical(id.name())).toList());
    HostStateFile.State current = stateFile.read(transport);
    List<LiveResource> live = new ArrayList<>();
    Map<ResourceId, LiveResource> byId = new LinkedHashMap<>();
    for (int i = 0; i < paths.size(); i++) {
      ResourceId id = paths.get(i);
      Optional<Transport.Stat> stat = stats.get(i).map(this::logical);
      DesiredResource declared = wanted.get(id);
      boolean owned = current.resources().contains(HostStateFile.key(id));
      ObjectNode body;
      if (id.kind().equals(HostResourceFields.ABSENT)) {
        if (declared == null) {
          continue; // Nothing to prune: the engine trims it from the inventory.
        }
        body =
            stat.isEmpty()
                ? HostResourceFields.NODES
                    .objectNode()
                    .put(HostResourceFields.TYPE, HostResourceFields.ABSENT)
                : HostResourceFields.project(HostResourceFields.live(stat.get()), declared.body());
      } else {
        if (stat.isEmpty()) {
          continue;
        }
        body = HostResourceFields.live(stat.get());
        if (declared != null) {
          body = HostResourceFields.project(body, declared.body());
        }
      }
      LiveResource resource = new LiveResource(id, body, version(body), owned);
      live.add(resource);
      byId.put(id, resource);
    }
    Map<String, List<String>> handlerReasons = new LinkedHashMap<>();
    for (DesiredResource handler : wanted.values()) {
      if (!handler.id().kind().equals(HostResourceFields.HANDLER)) {
        continue;
      }
      String name = handler.id().name();
      List<String> reasons = new ArrayList<>();
      for (String watched :
          HostResourceFields.strings(handler.body().path(HostResourceFields.WATCHES))) {
        ResourceId id = stateFile.fromKey(watched);
        DesiredResource declared = wanted.get(id);
        LiveResource observed = byId.get(id);
        if (declared != null
            && (observed == null
                || !differ.changes(id, declared.body(), observed.body()).isEmpty())) {
          reasons.add(id.name());
        }
      }
      if (current.pending().contains(name)) {
        reasons.add("a run left pending by an earlier pass");
      }
      handlerReasons.put(name, List.copyOf(reasons));
      ObjectNode body = handler.body().deepCopy();
      body.put(HostResourceFields.PENDING, !reasons.isEmpty());
      live.add(
          new LiveResource(
              handler.id(),
              body,
              null,
              current.resources().contains(HostStateFile.key(handler.id()))));
    }
    return new Observed(LiveState.of(live), handlerReasons);
  }

  /** Host paths seen through the prefix: absolute link targets lose it again. */
  private Transport.Stat logical(Transport.Stat stat) {
    String prefix = layout.prefix();
    if (!prefix.isEmpty()
        && stat.type() == Transport.Type.SYMLINK
        && stat.target().startsWith(prefix + "/")) {
      return new Transport.Stat(
          stat.type(),
          stat.mode(),
          stat.owner(),
          stat.group(),
          stat.sha256(),
          stat.target().substring(prefix.length()));
    }
    return stat;
  }

  private static String version(JsonNode body) {
    try {
      return Digests.sha256Hex(JSON.writeValueAsBytes(body)).substring(0, 16);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
