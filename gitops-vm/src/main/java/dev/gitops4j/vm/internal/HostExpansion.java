package dev.gitops4j.vm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.internal.Digests;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.render.Manifest;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.vm.VmHost;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Expands declared resources into one desired resource per host they apply to: variables
 * substituted, the path checked (plain, strictly inside an allowed root, outside the state
 * directory, declared once per host), mode, owner and group checked, file content and symlink
 * target rendered; then one handler resource per host and handler that something on the host
 * watches.
 */
public final class HostExpansion {

  private final List<String> allowedRoots;
  private final List<String> reservedPaths;
  private final Snapshot snapshot;
  private final InventoryFile.Hosts hosts;
  private final ResourceDocuments documents;
  private final FieldChecks checks;
  private final FileContents contents;

  /** What each host's handlers watch: host, handler name, {@code kind:path} keys. */
  private final Map<String, Map<String, Set<String>>> watchedByHost = new TreeMap<>();

  public HostExpansion(
      List<String> allowedRoots,
      List<String> reservedPaths,
      Snapshot snapshot,
      InventoryFile.Hosts hosts,
      ResourceDocuments documents,
      FieldChecks checks,
      int maxFileBytes) {
    this.allowedRoots = allowedRoots;
    this.reservedPaths = reservedPaths;
    this.snapshot = snapshot;
    this.hosts = hosts;
    this.documents = documents;
    this.checks = checks;
    this.contents = new FileContents(snapshot, checks, maxFileBytes);
  }

  /** Every host's resources, then their handlers; problems are recorded, not thrown. */
  public List<DesiredResource> expand() {
    List<DesiredResource> out = new ArrayList<>();
    Map<String, Origin> seen = new TreeMap<>();
    for (ResourceDocuments.Declared d : documents.declared()) {
      for (String host : d.hosts()) {
        DesiredResource resource = expandOne(d, hosts.hosts().get(host));
        if (resource == null) {
          continue;
        }
        String key = host + "\u0000" + resource.id().name();
        Origin first = seen.putIfAbsent(key, resource.origin());
        if (first != null) {
          checks.problem(
              resource.origin(),
              "path "
                  + resource.id().name()
                  + " on host "
                  + host
                  + " is already declared at "
                  + first);
          continue;
        }
        out.add(resource);
      }
    }
    watchedByHost.forEach(
        (host, byHandler) ->
            byHandler.forEach(
                (name, watched) -> {
                  DesiredResource handler = handler(host, name, watched);
                  if (handler != null) {
                    out.add(handler);
                  }
                }));
    return out;
  }

  private DesiredResource handler(String host, String name, Set<String> watched) {
    ResourceDocuments.Handler handler = documents.handlers().get(name);
    String command;
    try {
      command = Vars.expand(handler.command(), FileContents.scope(hosts.hosts().get(host)));
    } catch (Vars.UnknownVariable e) {
      checks.problem(
          handler.origin(), "handler " + name + " on host " + host + ": " + e.getMessage());
      return null;
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put(HostResourceFields.TYPE, HostResourceFields.HANDLER);
    body.put(HostResourceFields.COMMAND, command);
    body.set(HostResourceFields.WATCHES, HostResourceFields.array(List.copyOf(watched)));
    body.put(HostResourceFields.PENDING, false);
    return new DesiredResource(
        ResourceId.of(HostResourceFields.HANDLER, host, name),
        body,
        handler.origin(),
        snapshot.revision());
  }

  private DesiredResource expandOne(ResourceDocuments.Declared d, VmHost host) {
    Manifest doc = d.doc();
    String p = d.pointer();
    JsonNode entry = d.entry();
    Map<String, String> scope = FileContents.scope(host);
    String where = " (host " + host.name() + ")";
    String path = path(d, scope, where);
    if (path == null) {
      return null;
    }
    Origin origin = doc.locate(p + "/" + d.kind());
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put(HostResourceFields.TYPE, d.kind());
    boolean ok = true;
    if (entry.has("mode")) {
      String mode = checks.mode(doc, p + "/mode", entry.get("mode"));
      ok &= mode != null;
      body.put(HostResourceFields.MODE, mode);
    }
    for (String field : List.of(HostResourceFields.OWNER, HostResourceFields.GROUP)) {
      if (entry.has(field)) {
        String value = checks.account(doc, p + "/" + field, entry.get(field), field);
        ok &= value != null;
        body.put(field, value);
      }
    }
    switch (d.kind()) {
      case HostResourceFields.FILE -> {
        byte[] content = contents.fileContent(doc, p, entry, scope, where);
        if (content == null) {
          return null;
        }
        body.put(HostResourceFields.SHA256, Digests.sha256Hex(content));
        body.put(HostResourceFields.CONTENT, Base64.getEncoder().encodeToString(content));
      }
      case HostResourceFields.SYMLINK -> {
        String target = linkTarget(doc, p, entry, path, scope, where);
        if (target == null) {
          return null;
        }
        body.put(HostResourceFields.TARGET, target);
      }
      default -> {}
    }
    if (entry.has(HostResourceFields.ON_CHANGE)) {
      List<String> names =
          checks.names(doc, p + "/onChange", entry.get(HostResourceFields.ON_CHANGE));
      for (String handler : names) {
        if (!documents.handlers().containsKey(handler)) {
          checks.problem(doc.locate(p + "/onChange"), "unknown handler " + handler);
          ok = false;
          continue;
        }
        watchedByHost
            .computeIfAbsent(host.name(), h -> new TreeMap<>())
            .computeIfAbsent(handler, h -> new TreeSet<>())
            .add(d.kind() + ":" + path);
      }
      body.set(HostResourceFields.ON_CHANGE, HostResourceFields.array(names));
    }
    if (!ok) {
      return null;
    }
    return new DesiredResource(
        ResourceId.of(d.kind(), host.name(), path), body, origin, snapshot.revision());
  }

  /** The entry's path for one host: substituted, plain, inside the allowed roots. */
  private String path(ResourceDocuments.Declared d, Map<String, String> scope, String where) {
    Manifest doc = d.doc();
    String pointer = d.pointer() + "/" + d.kind();
    String raw = checks.requiredText(doc, pointer, d.entry().get(d.kind()), d.kind() + " path");
    if (raw == null) {
      return null;
    }
    String path = contents.expand(doc, pointer, raw, scope, where);
    if (path == null) {
      return null;
    }
    Origin origin = doc.locate(pointer);
    String bad = PathRules.checkPlain(path);
    if (bad != null) {
      checks.problem(origin, bad + where);
      return null;
    }
    if (!PathRules.strictlyInside(path, allowedRoots)) {
      checks.problem(
          origin,
          "path "
              + path
              + where
              + " is outside the allowed roots "
              + allowedRoots
              + "; nothing of this revision is applied");
      return null;
    }
    if (PathRules.insideOrEqual(path, reservedPaths)) {
      checks.problem(origin, "path " + path + where + " is inside the target's state directory");
      return null;
    }
    return path;
  }

  private String linkTarget(
      Manifest doc,
      String p,
      JsonNode entry,
      String path,
      Map<String, String> scope,
      String where) {
    String raw = checks.requiredText(doc, p + "/target", entry.get("target"), "symlink target");
    String target = raw == null ? null : contents.expand(doc, p + "/target", raw, scope, where);
    if (target == null) {
      return null;
    }
    if (target.isEmpty() || target.chars().anyMatch(c -> c < 0x20 || c == '\\')) {
      checks.problem(doc.locate(p + "/target"), "invalid symlink target" + where);
      return null;
    }
    String resolved = PathRules.resolveLinkTarget(path, target);
    if (!PathRules.insideOrEqual(resolved, allowedRoots)) {
      checks.problem(
          doc.locate(p + "/target"),
          "symlink "
              + path
              + where
              + " points to "
              + resolved
              + ", outside the allowed roots "
              + allowedRoots);
      return null;
    }
    return target;
  }
}
