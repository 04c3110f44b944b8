package dev.gitops4j.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.render.Manifest;
import dev.gitops4j.render.ManifestDecoder;
import dev.gitops4j.render.Renderer;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import dev.gitops4j.vm.internal.Bodies;
import dev.gitops4j.vm.internal.PathRules;
import dev.gitops4j.vm.internal.Vars;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Renders host configuration from YAML: an inventory file of hosts and groups, and documents of
 * resources ({@code file}, {@code directory}, {@code symlink}, {@code absent}) and {@code onChange}
 * handlers. Identities are {@code ResourceId(kind, host, absolute path)}; handlers are {@code
 * ResourceId("handler", host, name)}.
 *
 * <p>Everything is validated before anything is returned, and every problem names file and line:
 * unknown fields, unknown hosts, groups, handlers or variables, a path that is not absolute and
 * plain or lies outside the allowed roots, a missing {@code source} file. See docs/vm.md for the
 * format.
 */
public final class VmRenderer implements Renderer {

  /** Largest file content accepted, inline or from the repository. */
  public static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}");
  private static final Pattern OCTAL = Pattern.compile("0?[0-7]{3}");
  private static final List<String> KINDS =
      List.of(Bodies.FILE, Bodies.DIRECTORY, Bodies.SYMLINK, Bodies.ABSENT);
  private static final Map<String, Set<String>> FIELDS =
      Map.of(
          Bodies.FILE,
              Set.of("content", "source", "template", "mode", "owner", "group", "onChange"),
          Bodies.DIRECTORY, Set.of("mode", "owner", "group", "onChange"),
          Bodies.SYMLINK, Set.of("target", "onChange"),
          Bodies.ABSENT, Set.of("onChange"));

  private final List<String> allowedRoots;
  private final List<String> reservedPaths;
  private final String inventoryFile;
  private final String filesDirectory;
  private final String defaultHost;
  private final ManifestDecoder decoder;

  private VmRenderer(Builder builder) {
    this.allowedRoots = List.copyOf(builder.allowedRoots);
    this.reservedPaths = List.copyOf(builder.reservedPaths);
    this.inventoryFile = builder.inventoryFile;
    this.filesDirectory = builder.filesDirectory;
    this.defaultHost = builder.defaultHost;
    this.decoder = builder.decoder;
  }

  public static Builder custom() {
    return new Builder();
  }

  public List<String> allowedRoots() {
    return allowedRoots;
  }

  /** Result of rendering: the resources of every host and the hosts themselves. */
  public record Rendered(DesiredState desired, Map<String, VmHost> hosts) {}

  @Override
  public DesiredState render(Snapshot snapshot) throws InvalidDesiredStateException {
    return renderAll(snapshot).desired();
  }

  /** Renders and returns the hosts of the inventory as well. */
  public Rendered renderAll(Snapshot snapshot) throws InvalidDesiredStateException {
    Context cx = new Context(snapshot);
    cx.readInventory();
    cx.readDocuments();
    // Expand even after problems, so one run reports every problem of the revision.
    List<DesiredResource> resources = cx.expand();
    if (!cx.problems.isEmpty()) {
      throw new InvalidDesiredStateException(cx.problems);
    }
    return new Rendered(DesiredState.of(snapshot.revision(), resources), cx.hosts);
  }

  /** A resource entry as declared, before it is expanded per host. */
  private record Declared(
      String kind, Manifest doc, String pointer, JsonNode entry, List<String> hosts) {}

  /** A handler as declared. */
  private record Handler(String name, String command, Origin origin) {}

  /** State of one render. */
  private final class Context {
    final Snapshot snapshot;
    final List<Problem> problems = new ArrayList<>();
    final Map<String, VmHost> hosts = new LinkedHashMap<>();
    final Map<String, List<String>> groups = new LinkedHashMap<>();
    final List<Declared> declared = new ArrayList<>();
    final Map<String, Handler> handlers = new LinkedHashMap<>();

    Context(Snapshot snapshot) {
      this.snapshot = snapshot;
    }

    void problem(Origin origin, String message) {
      problems.add(new Problem(origin, message));
    }

    List<Manifest> decode(SourceFile file) {
      try {
        return decoder.decode(file);
      } catch (InvalidDesiredStateException e) {
        problems.addAll(e.problems());
        return List.of();
      }
    }

    void readInventory() {
      SourceFile file = snapshot.file(inventoryFile).orElse(null);
      if (file == null) {
        hosts.put(defaultHost, VmHost.local(defaultHost));
        return;
      }
      Map<String, Map<String, String>> groupVars = new LinkedHashMap<>();
      List<Object[]> pendingHosts = new ArrayList<>();
      for (Manifest doc : decode(file)) {
        checkFields(doc, "", doc.body(), Set.of("hosts", "groups"));
        JsonNode hostList = doc.body().path("hosts");
        for (int i = 0; i < hostList.size(); i++) {
          String p = "/hosts/" + i;
          JsonNode h = hostList.get(i);
          if (!checkFields(doc, p, h, Set.of("name", "address", "port", "user", "vars"))) {
            continue;
          }
          String name = name(doc, p + "/name", h.get("name"), "host name");
          if (name == null) {
            continue;
          }
          if (hosts.containsKey(name)) {
            problem(doc.locate(p + "/name"), "host " + name + " is declared twice");
            continue;
          }
          int port = 22;
          JsonNode portNode = h.get("port");
          if (portNode != null) {
            if (!portNode.canConvertToInt()
                || portNode.intValue() < 1
                || portNode.intValue() > 65535) {
              problem(doc.locate(p + "/port"), "host " + name + ": port must be 1..65535");
              continue;
            }
            port = portNode.intValue();
          }
          String address = optionalText(doc, p + "/address", h.get("address"));
          String user = optionalText(doc, p + "/user", h.get("user"));
          if (user != null && !ACCOUNT.matcher(user).matches()) {
            problem(doc.locate(p + "/user"), "host " + name + ": invalid user '" + user + "'");
            continue;
          }
          hosts.put(name, new VmHost(name, address == null ? name : address, port, user, Map.of()));
          pendingHosts.add(new Object[] {name, vars(doc, p + "/vars", h.get("vars"))});
        }
        JsonNode groupList = doc.body().path("groups");
        for (int i = 0; i < groupList.size(); i++) {
          String p = "/groups/" + i;
          JsonNode g = groupList.get(i);
          if (!checkFields(doc, p, g, Set.of("name", "hosts", "vars"))) {
            continue;
          }
          String name = name(doc, p + "/name", g.get("name"), "group name");
          if (name == null) {
            continue;
          }
          if (groups.containsKey(name)) {
            problem(doc.locate(p + "/name"), "group " + name + " is declared twice");
            continue;
          }
          List<String> members = names(doc, p + "/hosts", g.get("hosts"));
          for (int m = 0; m < members.size(); m++) {
            if (!hosts.containsKey(members.get(m))) {
              problem(
                  doc.locate(p + "/hosts/" + m),
                  "group " + name + ": unknown host " + members.get(m));
            }
          }
          groups.put(name, members);
          groupVars.put(name, vars(doc, p + "/vars", g.get("vars")));
        }
      }
      // Group variables first, in declaration order; the host's own win.
      for (Object[] pending : pendingHosts) {
        String name = (String) pending[0];
        @SuppressWarnings("unchecked")
        Map<String, String> own = (Map<String, String>) pending[1];
        Map<String, String> merged = new LinkedHashMap<>();
        groups.forEach(
            (group, members) -> {
              if (members.contains(name)) {
                merged.putAll(groupVars.get(group));
              }
            });
        merged.putAll(own);
        VmHost h = hosts.get(name);
        hosts.put(name, new VmHost(h.name(), h.address(), h.port(), h.user(), merged));
      }
      if (hosts.isEmpty()) {
        problem(Origin.of(inventoryFile, 1), "the inventory declares no hosts");
      }
    }

    void readDocuments() {
      for (SourceFile file : snapshot.files()) {
        if (file.path().equals(inventoryFile)
            || file.path().startsWith(filesDirectory + "/")
            || !decoder.accepts(file)) {
          continue;
        }
        for (Manifest doc : decode(file)) {
          readDocument(doc);
        }
      }
    }

    void readDocument(Manifest doc) {
      JsonNode body = doc.body();
      checkFields(doc, "", body, Set.of("hosts", "groups", "resources", "handlers"));
      Set<String> selected = new LinkedHashSet<>();
      boolean selects = body.has("hosts") || body.has("groups");
      List<String> hostNames = names(doc, "/hosts", body.get("hosts"));
      for (int i = 0; i < hostNames.size(); i++) {
        if (hosts.containsKey(hostNames.get(i))) {
          selected.add(hostNames.get(i));
        } else {
          problem(doc.locate("/hosts/" + i), "unknown host " + hostNames.get(i));
        }
      }
      List<String> groupNames = names(doc, "/groups", body.get("groups"));
      for (int i = 0; i < groupNames.size(); i++) {
        List<String> members = groups.get(groupNames.get(i));
        if (members == null) {
          problem(doc.locate("/groups/" + i), "unknown group " + groupNames.get(i));
        } else {
          selected.addAll(members);
        }
      }
      List<String> targets = selects ? List.copyOf(selected) : List.copyOf(hosts.keySet());

      JsonNode handlerList = body.path("handlers");
      if (body.has("handlers") && !handlerList.isArray()) {
        problem(doc.locate("/handlers"), "handlers must be a list");
      }
      for (int i = 0; i < handlerList.size(); i++) {
        String p = "/handlers/" + i;
        JsonNode h = handlerList.get(i);
        if (!checkFields(doc, p, h, Set.of("name", "command"))) {
          continue;
        }
        String name = name(doc, p + "/name", h.get("name"), "handler name");
        String command = requiredText(doc, p + "/command", h.get("command"), "handler command");
        if (name == null || command == null) {
          continue;
        }
        Handler previous = handlers.get(name);
        if (previous != null) {
          problem(
              doc.locate(p + "/name"),
              "handler " + name + " is already declared at " + previous.origin());
          continue;
        }
        handlers.put(name, new Handler(name, command, doc.locate(p)));
      }

      JsonNode list = body.path("resources");
      if (body.has("resources") && !list.isArray()) {
        problem(doc.locate("/resources"), "resources must be a list");
      }
      for (int i = 0; i < list.size(); i++) {
        String p = "/resources/" + i;
        JsonNode entry = list.get(i);
        if (!entry.isObject()) {
          problem(doc.locate(p), "a resource must be a mapping");
          continue;
        }
        List<String> kinds = KINDS.stream().filter(entry::has).toList();
        if (kinds.size() != 1) {
          problem(
              doc.locate(p),
              "a resource needs exactly one of file, directory, symlink, absent; found "
                  + (kinds.isEmpty() ? "none" : String.join(", ", kinds)));
          continue;
        }
        String kind = kinds.get(0);
        Set<String> allowed = new TreeSet<>(FIELDS.get(kind));
        allowed.add(kind);
        if (!checkFields(doc, p, entry, allowed)) {
          continue;
        }
        declared.add(new Declared(kind, doc, p, entry, targets));
      }
    }

    List<DesiredResource> expand() {
      List<DesiredResource> out = new ArrayList<>();
      Map<String, Origin> seen = new TreeMap<>();
      Map<String, Map<String, Set<String>>> watchedByHost = new TreeMap<>();
      for (Declared d : declared) {
        for (String host : d.hosts()) {
          DesiredResource resource = expandOne(d, hosts.get(host), watchedByHost);
          if (resource == null) {
            continue;
          }
          String key = host + "\u0000" + resource.id().name();
          Origin first = seen.putIfAbsent(key, resource.origin());
          if (first != null) {
            problem(
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
                    Handler handler = handlers.get(name);
                    String command;
                    try {
                      command = Vars.expand(handler.command(), scope(hosts.get(host)));
                    } catch (Vars.UnknownVariable e) {
                      problem(
                          handler.origin(),
                          "handler " + name + " on host " + host + ": " + e.getMessage());
                      return;
                    }
                    ObjectNode body = JsonNodeFactory.instance.objectNode();
                    body.put(Bodies.TYPE, Bodies.HANDLER);
                    body.put(Bodies.COMMAND, command);
                    body.set(Bodies.WATCHES, Bodies.array(List.copyOf(watched)));
                    body.put(Bodies.PENDING, false);
                    out.add(
                        new DesiredResource(
                            ResourceId.of(Bodies.HANDLER, host, name),
                            body,
                            handler.origin(),
                            snapshot.revision()));
                  }));
      return out;
    }

    DesiredResource expandOne(
        Declared d, VmHost host, Map<String, Map<String, Set<String>>> watchedByHost) {
      Manifest doc = d.doc();
      String p = d.pointer();
      JsonNode entry = d.entry();
      Map<String, String> scope = scope(host);
      String where = " (host " + host.name() + ")";
      String rawPath =
          requiredText(doc, p + "/" + d.kind(), entry.get(d.kind()), d.kind() + " path");
      if (rawPath == null) {
        return null;
      }
      String path = expand(doc, p + "/" + d.kind(), rawPath, scope, where);
      if (path == null) {
        return null;
      }
      Origin origin = doc.locate(p + "/" + d.kind());
      String bad = PathRules.checkPlain(path);
      if (bad != null) {
        problem(origin, bad + where);
        return null;
      }
      if (!PathRules.strictlyInside(path, allowedRoots)) {
        problem(
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
        problem(origin, "path " + path + where + " is inside the target's state directory");
        return null;
      }
      ObjectNode body = JsonNodeFactory.instance.objectNode();
      body.put(Bodies.TYPE, d.kind());
      boolean ok = true;
      if (entry.has("mode")) {
        String mode = mode(doc, p + "/mode", entry.get("mode"));
        ok &= mode != null;
        body.put(Bodies.MODE, mode);
      }
      for (String field : List.of("owner", "group")) {
        if (entry.has(field)) {
          String value = requiredText(doc, p + "/" + field, entry.get(field), field);
          if (value != null && !ACCOUNT.matcher(value).matches()) {
            problem(doc.locate(p + "/" + field), "invalid " + field + " '" + value + "'");
            value = null;
          }
          ok &= value != null;
          body.put(field, value);
        }
      }
      switch (d.kind()) {
        case Bodies.FILE -> {
          byte[] content = fileContent(doc, p, entry, scope, where);
          if (content == null) {
            return null;
          }
          body.put(Bodies.SHA256, sha256(content));
          body.put(Bodies.CONTENT, Base64.getEncoder().encodeToString(content));
        }
        case Bodies.SYMLINK -> {
          String raw = requiredText(doc, p + "/target", entry.get("target"), "symlink target");
          String target = raw == null ? null : expand(doc, p + "/target", raw, scope, where);
          if (target == null) {
            return null;
          }
          if (target.isEmpty() || target.chars().anyMatch(c -> c < 0x20 || c == '\\')) {
            problem(doc.locate(p + "/target"), "invalid symlink target" + where);
            return null;
          }
          String resolved = PathRules.resolveLinkTarget(path, target);
          if (!PathRules.insideOrEqual(resolved, allowedRoots)) {
            problem(
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
          body.put(Bodies.TARGET, target);
        }
        default -> {}
      }
      if (entry.has("onChange")) {
        List<String> names = names(doc, p + "/onChange", entry.get("onChange"));
        for (int i = 0; i < names.size(); i++) {
          String handler = names.get(i);
          if (!handlers.containsKey(handler)) {
            problem(doc.locate(p + "/onChange"), "unknown handler " + handler);
            ok = false;
            continue;
          }
          watchedByHost
              .computeIfAbsent(host.name(), h -> new TreeMap<>())
              .computeIfAbsent(handler, h -> new TreeSet<>())
              .add(d.kind() + ":" + path);
        }
        body.set(Bodies.ON_CHANGE, Bodies.array(names));
      }
      if (!ok) {
        return null;
      }
      return new DesiredResource(
          ResourceId.of(d.kind(), host.name(), path), body, origin, snapshot.revision());
    }

    byte[] fileContent(
        Manifest doc, String p, JsonNode entry, Map<String, String> scope, String where) {
      boolean inline = entry.has("content");
      boolean fromRepo = entry.has("source");
      if (inline == fromRepo) {
        problem(doc.locate(p), "a file needs exactly one of content, source" + where);
        return null;
      }
      byte[] bytes;
      if (inline) {
        String text = requiredText(doc, p + "/content", entry.get("content"), "content", true);
        String expanded = text == null ? null : expand(doc, p + "/content", text, scope, where);
        if (expanded == null) {
          return null;
        }
        bytes = expanded.getBytes(StandardCharsets.UTF_8);
      } else {
        String source = requiredText(doc, p + "/source", entry.get("source"), "source");
        if (source == null) {
          return null;
        }
        SourceFile file = snapshot.file(source).orElse(null);
        if (file == null) {
          problem(doc.locate(p + "/source"), "source file " + source + " is not in the repository");
          return null;
        }
        bytes = file.content();
        JsonNode template = entry.get("template");
        if (template != null && !template.isBoolean()) {
          problem(doc.locate(p + "/template"), "template must be true or false");
          return null;
        }
        if (template != null && template.booleanValue()) {
          String expanded =
              expand(doc, p + "/source", new String(bytes, StandardCharsets.UTF_8), scope, where);
          if (expanded == null) {
            return null;
          }
          bytes = expanded.getBytes(StandardCharsets.UTF_8);
        }
      }
      if (bytes.length > MAX_FILE_BYTES) {
        problem(doc.locate(p), "file content exceeds " + MAX_FILE_BYTES + " bytes" + where);
        return null;
      }
      return bytes;
    }

    String expand(
        Manifest doc, String pointer, String text, Map<String, String> scope, String where) {
      try {
        return Vars.expand(text, scope);
      } catch (Vars.UnknownVariable e) {
        problem(doc.locate(pointer), e.getMessage() + where);
        return null;
      }
    }

    Map<String, String> scope(VmHost host) {
      Map<String, String> scope = new TreeMap<>();
      scope.put("host.name", host.name());
      scope.put("host.address", host.address());
      scope.put("host.port", Integer.toString(host.port()));
      scope.put("host.user", host.user());
      host.vars().forEach((k, v) -> scope.put("vars." + k, v));
      return scope;
    }

    boolean checkFields(Manifest doc, String p, JsonNode node, Set<String> allowed) {
      if (node == null || !node.isObject()) {
        problem(doc.locate(p), "expected a mapping");
        return false;
      }
      boolean ok = true;
      var names = node.fieldNames();
      while (names.hasNext()) {
        String field = names.next();
        if (!allowed.contains(field)) {
          problem(
              doc.locate(p + "/" + field),
              "unknown field '" + field + "' (expected one of " + new TreeSet<>(allowed) + ")");
          ok = false;
        }
      }
      return ok;
    }

    String name(Manifest doc, String p, JsonNode node, String what) {
      String text = requiredText(doc, p, node, what);
      if (text != null && !NAME.matcher(text).matches()) {
        problem(doc.locate(p), what + " '" + text + "' must match " + NAME.pattern());
        return null;
      }
      return text;
    }

    String requiredText(Manifest doc, String p, JsonNode node, String what) {
      return requiredText(doc, p, node, what, false);
    }

    String requiredText(Manifest doc, String p, JsonNode node, String what, boolean emptyOk) {
      if (node == null || node.isNull()) {
        problem(doc.locate(p), what + " is required");
        return null;
      }
      if (!node.isTextual() && !node.isNumber() && !node.isBoolean()) {
        problem(doc.locate(p), what + " must be a string");
        return null;
      }
      String text = node.asText();
      if (!emptyOk && text.isBlank()) {
        problem(doc.locate(p), what + " must not be blank");
        return null;
      }
      return text;
    }

    String optionalText(Manifest doc, String p, JsonNode node) {
      return node == null || node.isNull() ? null : requiredText(doc, p, node, p);
    }

    List<String> names(Manifest doc, String p, JsonNode node) {
      if (node == null || node.isNull()) {
        return List.of();
      }
      if (node.isTextual()) {
        return List.of(node.textValue());
      }
      if (!node.isArray()) {
        problem(doc.locate(p), "expected a name or a list of names");
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        if (!node.get(i).isTextual()) {
          problem(doc.locate(p + "/" + i), "expected a name");
        } else {
          out.add(node.get(i).textValue());
        }
      }
      return out;
    }

    Map<String, String> vars(Manifest doc, String p, JsonNode node) {
      Map<String, String> out = new LinkedHashMap<>();
      if (node == null || node.isNull()) {
        return out;
      }
      if (!node.isObject()) {
        problem(doc.locate(p), "vars must be a mapping");
        return out;
      }
      node.fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                  out.put(e.getKey(), e.getValue().asText());
                } else {
                  problem(
                      doc.locate(p + "/" + e.getKey()),
                      "variable " + e.getKey() + " must be a scalar");
                }
              });
      return out;
    }

    String mode(Manifest doc, String p, JsonNode node) {
      int bits;
      if (node.isIntegralNumber() && node.canConvertToInt()) {
        bits = node.intValue();
        if (bits < 0 || bits > 0777) {
          problem(
              doc.locate(p),
              "mode "
                  + node.asText()
                  + " is not a permission mode; write it in octal with a leading zero or quoted,"
                  + " e.g. '0644'");
          return null;
        }
      } else if (node.isTextual() && OCTAL.matcher(node.textValue()).matches()) {
        bits = Integer.parseInt(node.textValue(), 8);
      } else {
        problem(doc.locate(p), "mode must be octal permission bits such as '0644'");
        return null;
      }
      return Bodies.octal(bits);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Builds a {@link VmRenderer}; at least one allowed root is required. */
  public static final class Builder {
    private final List<String> allowedRoots = new ArrayList<>();
    private final List<String> reservedPaths = new ArrayList<>();
    private String inventoryFile = "inventory.yaml";
    private String filesDirectory = "files";
    private String defaultHost = "localhost";
    private ManifestDecoder decoder = ManifestDecoder.ofDefaults();

    private Builder() {}

    /** A directory resources may live in (strictly below it), e.g. {@code /etc/nginx}. */
    public Builder allowedRoot(String root) {
      Objects.requireNonNull(root, "root");
      String bad = PathRules.checkPlain(root);
      if (bad != null) {
        throw new IllegalArgumentException("allowed root: " + bad);
      }
      allowedRoots.add(root);
      return this;
    }

    /** A path no resource may be at or below (the target's own state directory). */
    public Builder reservedPath(String path) {
      String bad = PathRules.checkPlain(Objects.requireNonNull(path, "path"));
      if (bad != null) {
        throw new IllegalArgumentException("reserved path: " + bad);
      }
      reservedPaths.add(path);
      return this;
    }

    /** Repository path of the inventory (default {@code inventory.yaml}). */
    public Builder inventoryFile(String path) {
      this.inventoryFile = Objects.requireNonNull(path, "path");
      return this;
    }

    /** Folder of files referenced by {@code source:}; never read as documents (default files). */
    public Builder filesDirectory(String path) {
      this.filesDirectory = Objects.requireNonNull(path, "path");
      return this;
    }

    /** The single host used when the repository has no inventory file (default localhost). */
    public Builder defaultHost(String name) {
      if (!NAME.matcher(Objects.requireNonNull(name, "name")).matches()) {
        throw new IllegalArgumentException("host name must match " + NAME.pattern());
      }
      this.defaultHost = name;
      return this;
    }

    public Builder decoder(ManifestDecoder decoder) {
      this.decoder = Objects.requireNonNull(decoder, "decoder");
      return this;
    }

    public VmRenderer build() {
      if (allowedRoots.isEmpty()) {
        throw new IllegalStateException("at least one allowed root is required");
      }
      return new VmRenderer(this);
    }
  }
}
