package dev.gitops4j.vm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.Origin;
import dev.gitops4j.render.Manifest;
import dev.gitops4j.render.ManifestDecoder;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import dev.gitops4j.vm.VmHost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the repository's inventory file: hosts (address, port, user, variables) and groups of
 * hosts with variables of their own. A host's variables are its groups' (in declaration order) with
 * its own on top.
 */
public final class InventoryFile {

  /**
   * The hosts of a revision.
   *
   * @param hosts every host by name, in declaration order
   * @param groups the member hosts of each group, by group name
   */
  public record Hosts(Map<String, VmHost> hosts, Map<String, List<String>> groups) {}

  /** A host as declared, before its groups' variables are merged in. */
  private record Declared(VmHost host, Map<String, String> vars) {}

  private InventoryFile() {}

  /**
   * Reads {@code inventoryFile} of {@code snapshot}; without one, the single host {@code
   * defaultHost} reached locally.
   */
  public static Hosts read(
      Snapshot snapshot,
      String inventoryFile,
      String defaultHost,
      ManifestDecoder decoder,
      FieldChecks checks) {
    Map<String, VmHost> hosts = new LinkedHashMap<>();
    Map<String, List<String>> groups = new LinkedHashMap<>();
    SourceFile file = snapshot.file(inventoryFile).orElse(null);
    if (file == null) {
      hosts.put(defaultHost, VmHost.local(defaultHost));
      return new Hosts(hosts, groups);
    }
    Map<String, Map<String, String>> groupVars = new LinkedHashMap<>();
    List<Declared> declared = new ArrayList<>();
    for (Manifest doc : checks.decode(decoder, file)) {
      checks.checkFields(doc, "", doc.body(), Set.of("hosts", "groups"));
      JsonNode hostList = doc.body().path("hosts");
      for (int i = 0; i < hostList.size(); i++) {
        Declared host = readHost(doc, "/hosts/" + i, hostList.get(i), hosts, checks);
        if (host != null) {
          hosts.put(host.host().name(), host.host());
          declared.add(host);
        }
      }
      JsonNode groupList = doc.body().path("groups");
      for (int i = 0; i < groupList.size(); i++) {
        String p = "/groups/" + i;
        JsonNode g = groupList.get(i);
        if (!checks.checkFields(doc, p, g, Set.of("name", "hosts", "vars"))) {
          continue;
        }
        String name = checks.name(doc, p + "/name", g.get("name"), "group name");
        if (name == null) {
          continue;
        }
        if (groups.containsKey(name)) {
          checks.problem(doc.locate(p + "/name"), "group " + name + " is declared twice");
          continue;
        }
        List<String> members = checks.names(doc, p + "/hosts", g.get("hosts"));
        for (int m = 0; m < members.size(); m++) {
          if (!hosts.containsKey(members.get(m))) {
            checks.problem(
                doc.locate(p + "/hosts/" + m),
                "group " + name + ": unknown host " + members.get(m));
          }
        }
        groups.put(name, members);
        groupVars.put(name, checks.vars(doc, p + "/vars", g.get("vars")));
      }
    }
    // Group variables first, in declaration order; the host's own win.
    for (Declared d : declared) {
      String name = d.host().name();
      Map<String, String> merged = new LinkedHashMap<>();
      groups.forEach(
          (group, members) -> {
            if (members.contains(name)) {
              merged.putAll(groupVars.get(group));
            }
          });
      merged.putAll(d.vars());
      VmHost h = d.host();
      hosts.put(name, new VmHost(h.name(), h.address(), h.port(), h.user(), merged));
    }
    if (hosts.isEmpty()) {
      checks.problem(Origin.of(inventoryFile, 1), "the inventory declares no hosts");
    }
    return new Hosts(hosts, groups);
  }

  private static Declared readHost(
      Manifest doc, String p, JsonNode h, Map<String, VmHost> known, FieldChecks checks) {
    if (!checks.checkFields(doc, p, h, Set.of("name", "address", "port", "user", "vars"))) {
      return null;
    }
    String name = checks.name(doc, p + "/name", h.get("name"), "host name");
    if (name == null) {
      return null;
    }
    if (known.containsKey(name)) {
      checks.problem(doc.locate(p + "/name"), "host " + name + " is declared twice");
      return null;
    }
    int port = 22;
    JsonNode portNode = h.get("port");
    if (portNode != null) {
      if (!portNode.canConvertToInt() || portNode.intValue() < 1 || portNode.intValue() > 65535) {
        checks.problem(doc.locate(p + "/port"), "host " + name + ": port must be 1..65535");
        return null;
      }
      port = portNode.intValue();
    }
    String address = checks.optionalText(doc, p + "/address", h.get("address"));
    String user = checks.optionalText(doc, p + "/user", h.get("user"));
    if (user != null && !FieldChecks.ACCOUNT.matcher(user).matches()) {
      checks.problem(doc.locate(p + "/user"), "host " + name + ": invalid user '" + user + "'");
      return null;
    }
    VmHost host = new VmHost(name, address == null ? name : address, port, user, Map.of());
    return new Declared(host, checks.vars(doc, p + "/vars", h.get("vars")));
  }
}
