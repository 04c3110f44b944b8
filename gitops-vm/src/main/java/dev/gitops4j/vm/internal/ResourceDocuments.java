package dev.gitops4j.vm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.Origin;
import dev.gitops4j.render.Manifest;
import dev.gitops4j.render.ManifestDecoder;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the documents of resources and handlers (every decodable file except the inventory and the
 * files directory): which hosts each document selects, its handlers, and its resource entries as
 * declared, before they are expanded per host.
 */
public final class ResourceDocuments {

  private static final List<String> KINDS =
      List.of(
          HostResourceFields.FILE,
          HostResourceFields.DIRECTORY,
          HostResourceFields.SYMLINK,
          HostResourceFields.ABSENT);
  private static final Map<String, Set<String>> FIELDS =
      Map.of(
          HostResourceFields.FILE,
              Set.of("content", "source", "template", "mode", "owner", "group", "onChange"),
          HostResourceFields.DIRECTORY, Set.of("mode", "owner", "group", "onChange"),
          HostResourceFields.SYMLINK, Set.of("target", "onChange"),
          HostResourceFields.ABSENT, Set.of("onChange"));

  /**
   * A resource entry as declared.
   *
   * @param kind file, directory, symlink or absent
   * @param doc the document it is in
   * @param pointer its JSON pointer in the document
   * @param entry the entry itself
   * @param hosts the hosts it applies to
   */
  public record Declared(
      String kind, Manifest doc, String pointer, JsonNode entry, List<String> hosts) {}

  /** A handler as declared; its command may hold variables. */
  public record Handler(String name, String command, Origin origin) {}

  private final List<Declared> declared = new ArrayList<>();
  private final Map<String, Handler> handlers = new LinkedHashMap<>();

  private ResourceDocuments() {}

  public List<Declared> declared() {
    return declared;
  }

  /** Handlers by name, each declared once across the revision. */
  public Map<String, Handler> handlers() {
    return handlers;
  }

  /** Reads every document of {@code snapshot} that is neither the inventory nor a source file. */
  public static ResourceDocuments read(
      Snapshot snapshot,
      String inventoryFile,
      String filesDirectory,
      ManifestDecoder decoder,
      InventoryFile.Hosts hosts,
      FieldChecks checks) {
    ResourceDocuments out = new ResourceDocuments();
    for (SourceFile file : snapshot.files()) {
      if (file.path().equals(inventoryFile)
          || file.path().startsWith(filesDirectory + "/")
          || !decoder.accepts(file)) {
        continue;
      }
      for (Manifest doc : checks.decode(decoder, file)) {
        out.readDocument(doc, hosts, checks);
      }
    }
    return out;
  }

  private void readDocument(Manifest doc, InventoryFile.Hosts inventory, FieldChecks checks) {
    JsonNode body = doc.body();
    checks.checkFields(doc, "", body, Set.of("hosts", "groups", "resources", "handlers"));
    List<String> targets = selectedHosts(doc, inventory, checks);

    JsonNode handlerList = body.path("handlers");
    if (body.has("handlers") && !handlerList.isArray()) {
      checks.problem(doc.locate("/handlers"), "handlers must be a list");
    }
    for (int i = 0; i < handlerList.size(); i++) {
      readHandler(doc, "/handlers/" + i, handlerList.get(i), checks);
    }

    JsonNode list = body.path("resources");
    if (body.has("resources") && !list.isArray()) {
      checks.problem(doc.locate("/resources"), "resources must be a list");
    }
    for (int i = 0; i < list.size(); i++) {
      String p = "/resources/" + i;
      JsonNode entry = list.get(i);
      if (!entry.isObject()) {
        checks.problem(doc.locate(p), "a resource must be a mapping");
        continue;
      }
      List<String> kinds = KINDS.stream().filter(entry::has).toList();
      if (kinds.size() != 1) {
        checks.problem(
            doc.locate(p),
            "a resource needs exactly one of file, directory, symlink, absent; found "
                + (kinds.isEmpty() ? "none" : String.join(", ", kinds)));
        continue;
      }
      String kind = kinds.get(0);
      Set<String> allowed = new TreeSet<>(FIELDS.get(kind));
      allowed.add(kind);
      if (!checks.checkFields(doc, p, entry, allowed)) {
        continue;
      }
      declared.add(new Declared(kind, doc, p, entry, targets));
    }
  }

  /** The hosts a document's {@code hosts:} and {@code groups:} select; neither selects all. */
  private static List<String> selectedHosts(
      Manifest doc, InventoryFile.Hosts inventory, FieldChecks checks) {
    JsonNode body = doc.body();
    Set<String> selected = new LinkedHashSet<>();
    boolean selects = body.has("hosts") || body.has("groups");
    List<String> hostNames = checks.names(doc, "/hosts", body.get("hosts"));
    for (int i = 0; i < hostNames.size(); i++) {
      if (inventory.hosts().containsKey(hostNames.get(i))) {
        selected.add(hostNames.get(i));
      } else {
        checks.problem(doc.locate("/hosts/" + i), "unknown host " + hostNames.get(i));
      }
    }
    List<String> groupNames = checks.names(doc, "/groups", body.get("groups"));
    for (int i = 0; i < groupNames.size(); i++) {
      List<String> members = inventory.groups().get(groupNames.get(i));
      if (members == null) {
        checks.problem(doc.locate("/groups/" + i), "unknown group " + groupNames.get(i));
      } else {
        selected.addAll(members);
      }
    }
    return selects ? List.copyOf(selected) : List.copyOf(inventory.hosts().keySet());
  }

  private void readHandler(Manifest doc, String p, JsonNode h, FieldChecks checks) {
    if (!checks.checkFields(doc, p, h, Set.of("name", "command"))) {
      return;
    }
    String name = checks.name(doc, p + "/name", h.get("name"), "handler name");
    String command = checks.requiredText(doc, p + "/command", h.get("command"), "handler command");
    if (name == null || command == null) {
      return;
    }
    Handler previous = handlers.get(name);
    if (previous != null) {
      checks.problem(
          doc.locate(p + "/name"),
          "handler " + name + " is already declared at " + previous.origin());
      return;
    }
    handlers.put(name, new Handler(name, command, doc.locate(p)));
  }
}
