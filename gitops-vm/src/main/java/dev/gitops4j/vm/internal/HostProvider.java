package dev.gitops4j.vm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.diff.StructuralDiffer;
import dev.gitops4j.live.LiveStateProvider;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.sync.Applier;
import dev.gitops4j.sync.ApplyOptions;
import dev.gitops4j.sync.InventoryStore;
import dev.gitops4j.vm.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observes and writes the managed paths of one host, and keeps the host's state file: the
 * application's inventory (which is also the ownership marker: a path is owned when it is listed)
 * and the handlers waiting to run.
 *
 * <p>One connection serves a pass: it opens on first use and is replaced when the next pass loads
 * the inventory.
 */
public final class HostProvider
    implements LiveStateProvider, Applier, InventoryStore, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HostProvider.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Opens a connection to the host. */
  @FunctionalInterface
  public interface Connector {
    Transport connect() throws IOException;
  }

  /**
   * Where things are on the host.
   *
   * @param host host name, the scope of its identities
   * @param targetName names the state file
   * @param prefix physical directory host paths live under ({@code ""} for the real root)
   * @param stateDirectory host path of the state directory
   * @param allowedRoots host paths resources must be below
   * @param handlerTimeout bound on each handler command
   */
  public record Layout(
      String host,
      String targetName,
      String prefix,
      String stateDirectory,
      List<String> allowedRoots,
      Duration handlerTimeout) {}

  /** The state file's content. */
  private static final class State {
    String application = "";
    final Set<String> resources = new TreeSet<>();
    final Set<String> pending = new TreeSet<>();
  }

  private final Layout layout;
  private final Connector connector;
  private final StructuralDiffer differ;
  private final Map<String, List<String>> handlerReasons = new ConcurrentHashMap<>();
  private Transport transport;
  private State state;
  private List<String> realRoots;

  public HostProvider(Layout layout, Connector connector, StructuralDiffer differ) {
    this.layout = layout;
    this.connector = connector;
    this.differ = differ;
  }

  public String host() {
    return layout.host();
  }

  // ---------------------------------------------------------------- inventory (state file)

  @Override
  public Inventory load(String application) throws IOException {
    synchronized (this) {
      // A pass starts by loading the inventory: give it a fresh connection and fresh state.
      closeTransport();
      state = null;
      realRoots = null;
    }
    State current = state();
    if (!current.application.isEmpty() && !current.application.equals(application)) {
      throw new IOException(
          "state file "
              + stateFile()
              + " on host "
              + host()
              + " belongs to application "
              + current.application
              + ", not "
              + application);
    }
    List<ResourceId> ids = new ArrayList<>();
    for (String key : current.resources) {
      ids.add(fromKey(key));
    }
    return Inventory.of(ids);
  }

  @Override
  public synchronized void save(String application, Inventory inventory) throws IOException {
    State current = state();
    current.application = application;
    current.resources.clear();
    for (ResourceId id : inventory.resources()) {
      if (host().equals(id.scope())) {
        current.resources.add(key(id));
      }
    }
    current.pending.removeIf(name -> !current.resources.contains(Bodies.HANDLER + ":" + name));
    writeState(current);
  }

  private synchronized State state() throws IOException {
    if (state == null) {
      State loaded = new State();
      Optional<byte[]> bytes = transport().read(physical(stateFile()));
      if (bytes.isPresent()) {
        JsonNode root;
        try {
          root = JSON.readTree(bytes.get());
        } catch (IOException e) {
          throw new IOException(
              "state file " + stateFile() + " on host " + host() + " is corrupt", e);
        }
        loaded.application = root.path("application").asText("");
        root.path("resources").forEach(node -> loaded.resources.add(node.asText()));
        root.path("pending").forEach(node -> loaded.pending.add(node.asText()));
      }
      state = loaded;
    }
    return state;
  }

  private void writeState(State current) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("application", current.application);
    root.put("target", layout.targetName());
    root.put("host", host());
    ArrayNode resources = root.putArray("resources");
    current.resources.forEach(resources::add);
    ArrayNode pending = root.putArray("pending");
    current.pending.forEach(pending::add);
    Transport t = transport();
    ensureDirectory(t, layout.stateDirectory(), 0700);
    t.writeAtomically(
        physical(stateFile()),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root),
        0600,
        null,
        null);
  }

  private String stateFile() {
    return layout.stateDirectory() + "/" + layout.targetName() + "@" + host() + ".json";
  }

  private synchronized void changeState(java.util.function.Predicate<State> change)
      throws IOException {
    State current = state();
    if (change.test(current)) {
      writeState(current);
    }
  }

  // ---------------------------------------------------------------- observe

  @Override
  public LiveState observe(DesiredState desired, Inventory inventory) throws TargetException {
    try {
      return observeOrThrow(desired, inventory);
    } catch (IOException e) {
      throw new TargetException("cannot observe host " + host() + ": " + e.getMessage(), true, e);
    }
  }

  private LiveState observeOrThrow(DesiredState desired, Inventory inventory) throws IOException {
    Map<ResourceId, DesiredResource> wanted = new LinkedHashMap<>();
    desired
        .resources()
        .forEach(
            (id, r) -> {
              if (host().equals(id.scope())) {
                wanted.put(id, r);
              }
            });
    Set<ResourceId> ids = new TreeSet<>(wanted.keySet());
    inventory.resources().stream().filter(id -> host().equals(id.scope())).forEach(ids::add);
    List<ResourceId> paths = ids.stream().filter(id -> !id.kind().equals(Bodies.HANDLER)).toList();
    List<Optional<Transport.Stat>> stats =
        transport().stat(paths.stream().map(id -> physical(id.name())).toList());
    State current = state();
    List<LiveResource> live = new ArrayList<>();
    Map<ResourceId, LiveResource> byId = new LinkedHashMap<>();
    for (int i = 0; i < paths.size(); i++) {
      ResourceId id = paths.get(i);
      Optional<Transport.Stat> stat = stats.get(i).map(this::logical);
      DesiredResource declared = wanted.get(id);
      boolean owned = current.resources.contains(key(id));
      ObjectNode body;
      if (id.kind().equals(Bodies.ABSENT)) {
        if (declared == null) {
          continue; // Nothing to prune: the engine trims it from the inventory.
        }
        body =
            stat.isEmpty()
                ? Bodies.NODES.objectNode().put(Bodies.TYPE, Bodies.ABSENT)
                : Bodies.project(Bodies.live(stat.get()), declared.body());
      } else {
        if (stat.isEmpty()) {
          continue;
        }
        body = Bodies.live(stat.get());
        if (declared != null) {
          body = Bodies.project(body, declared.body());
        }
      }
      LiveResource resource = new LiveResource(id, body, version(body), owned);
      live.add(resource);
      byId.put(id, resource);
    }
    for (DesiredResource handler : wanted.values()) {
      if (!handler.id().kind().equals(Bodies.HANDLER)) {
        continue;
      }
      String name = handler.id().name();
      List<String> reasons = new ArrayList<>();
      for (String watched : Bodies.strings(handler.body().path(Bodies.WATCHES))) {
        ResourceId id = fromKey(watched);
        DesiredResource declared = wanted.get(id);
        LiveResource observed = byId.get(id);
        if (declared != null
            && (observed == null
                || !differ.changes(id, declared.body(), observed.body()).isEmpty())) {
          reasons.add(id.name());
        }
      }
      if (current.pending.contains(name)) {
        reasons.add("a run left pending by an earlier pass");
      }
      handlerReasons.put(name, reasons);
      ObjectNode body = handler.body().deepCopy();
      body.put(Bodies.PENDING, !reasons.isEmpty());
      live.add(
          new LiveResource(
              handler.id(), body, null, current.resources.contains(key(handler.id()))));
    }
    return LiveState.of(live);
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
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsBytes(body)))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- apply

  @Override
  public String apply(Step step, ApplyOptions options) throws TargetException {
    ResourceId id = step.id();
    if (!host().equals(id.scope())) {
      throw new TargetException(id + " does not belong to host " + host(), false);
    }
    if (options.dryRun()) {
      return "dry run: would "
          + step.action().name().toLowerCase(java.util.Locale.ROOT)
          + " "
          + id.name()
          + " on "
          + host();
    }
    try {
      return step.action() == Step.Action.DELETE ? delete(step) : write(step);
    } catch (IOException e) {
      throw new TargetException(
          "host " + host() + ": " + id.kind() + " " + id.name() + ": " + e.getMessage(), true, e);
    }
  }

  private String write(Step step) throws IOException, TargetException {
    ResourceId id = step.id();
    JsonNode desired = step.desired().body();
    if (id.kind().equals(Bodies.HANDLER)) {
      return runHandler(id, desired);
    }
    String path = id.name();
    String where = step.desired().origin() + ": ";
    if (!PathRules.strictlyInside(path, layout.allowedRoots())) {
      throw new TargetException(
          where + path + " is outside the allowed roots " + layout.allowedRoots(), false);
    }
    Transport t = transport();
    checkRealParent(t, path, where);
    List<String> handlers = Bodies.strings(desired.path(Bodies.ON_CHANGE));
    // Remember the handlers before writing: a crash after the write still runs them next pass.
    changeState(s -> s.pending.addAll(handlers) | s.resources.add(key(id)));
    String phys = physical(path);
    ensureDirectory(t, PathRules.parent(path), 0755);
    String liveType = step.live() == null ? null : Bodies.type(step.live().body());
    String owner = Bodies.text(desired, Bodies.OWNER);
    String group = Bodies.text(desired, Bodies.GROUP);
    switch (id.kind()) {
      case Bodies.FILE -> {
        clearOtherType(t, phys, liveType, Bodies.FILE);
        JsonNode live = step.live() == null ? null : step.live().body();
        boolean sameContent =
            live != null
                && Bodies.FILE.equals(liveType)
                && desired.path(Bodies.SHA256).asText().equals(live.path(Bodies.SHA256).asText());
        if (sameContent) {
          return metadata(t, phys, desired, live);
        }
        byte[] content = Bodies.content(desired);
        t.writeAtomically(phys, content, Bodies.mode(desired, 0644), owner, group);
        return "wrote " + content.length + " bytes to " + path + suffix(handlers);
      }
      case Bodies.DIRECTORY -> {
        clearOtherType(t, phys, liveType, Bodies.DIRECTORY);
        if (!Bodies.DIRECTORY.equals(liveType)) {
          t.mkdir(phys, Bodies.mode(desired, 0755));
          if (owner != null || group != null) {
            t.chown(phys, owner, group);
          }
          return "created directory " + path + suffix(handlers);
        }
        return metadata(t, phys, desired, step.live().body());
      }
      case Bodies.SYMLINK -> {
        clearOtherType(t, phys, liveType, Bodies.SYMLINK);
        String target = desired.path(Bodies.TARGET).asText();
        String physicalTarget =
            target.startsWith("/") && !layout.prefix().isEmpty() ? physical(target) : target;
        t.symlink(phys, physicalTarget);
        return "linked " + path + " -> " + target + suffix(handlers);
      }
      case Bodies.ABSENT -> {
        if (liveType == null || Bodies.ABSENT.equals(liveType)) {
          return "already absent: " + path;
        }
        if (t.isNonEmptyDirectory(phys)) {
          throw new TargetException(
              where + path + " must be absent but is a non-empty directory; remove it by hand",
              false);
        }
        t.delete(phys);
        return "removed " + path + suffix(handlers);
      }
      default -> throw new TargetException("unknown kind " + id.kind(), false);
    }
  }

  /**
   * Removes what sits at the path when it is not of the declared type, refusing to empty
   * directories.
   */
  private void clearOtherType(Transport t, String phys, String liveType, String kind)
      throws IOException, TargetException {
    if (liveType == null || liveType.equals(kind) || Bodies.ABSENT.equals(liveType)) {
      return;
    }
    if (Bodies.SYMLINK.equals(kind) || Bodies.FILE.equals(kind)) {
      // A rename replaces a file or symlink in one step; only a directory is in the way.
      if (!Bodies.DIRECTORY.equals(liveType)) {
        return;
      }
    }
    if (t.isNonEmptyDirectory(phys)) {
      throw new TargetException(
          phys + " is a non-empty directory where a " + kind + " is declared; remove it by hand",
          false);
    }
    t.delete(phys);
  }

  private String metadata(Transport t, String phys, JsonNode desired, JsonNode live)
      throws IOException {
    List<String> done = new ArrayList<>();
    String mode = Bodies.text(desired, Bodies.MODE);
    if (mode != null && !mode.equals(Bodies.text(live, Bodies.MODE))) {
      t.chmod(phys, Integer.parseInt(mode, 8));
      done.add("mode " + mode);
    }
    String owner = Bodies.text(desired, Bodies.OWNER);
    String group = Bodies.text(desired, Bodies.GROUP);
    boolean ownerDiffers = owner != null && !owner.equals(Bodies.text(live, Bodies.OWNER));
    boolean groupDiffers = group != null && !group.equals(Bodies.text(live, Bodies.GROUP));
    if (ownerDiffers || groupDiffers) {
      t.chown(phys, ownerDiffers ? owner : null, groupDiffers ? group : null);
      done.add("owner " + (owner == null ? "" : owner) + ":" + (group == null ? "" : group));
    }
    return done.isEmpty()
        ? "unchanged " + logicalOf(phys)
        : "set " + String.join(", ", done) + " on " + logicalOf(phys);
  }

  private String delete(Step step) throws IOException, TargetException {
    ResourceId id = step.id();
    String kind = id.kind();
    if (kind.equals(Bodies.HANDLER) || kind.equals(Bodies.ABSENT)) {
      changeState(s -> s.resources.remove(key(id)) | s.pending.remove(id.name()));
      return "stopped managing " + id.kind() + " " + id.name();
    }
    String path = id.name();
    Transport t = transport();
    checkRealParent(t, path, "");
    String phys = physical(path);
    Optional<Transport.Stat> now = t.stat(List.of(phys)).get(0);
    String remark;
    if (now.isEmpty()) {
      remark = "already gone: " + path;
    } else if (!kind.equals(Bodies.live(now.get()).path(Bodies.TYPE).asText())) {
      remark = "left " + path + " in place: it is no longer a " + kind;
    } else if (kind.equals(Bodies.DIRECTORY) && t.isNonEmptyDirectory(phys)) {
      remark = "left directory " + path + " in place: it holds unmanaged entries";
    } else {
      t.delete(phys);
      remark = "deleted " + path;
    }
    changeState(s -> s.resources.remove(key(id)));
    return remark;
  }

  private String runHandler(ResourceId id, JsonNode desired) throws IOException, TargetException {
    String command = desired.path(Bodies.COMMAND).asText();
    Transport.ExecResult result = transport().exec(command, layout.handlerTimeout());
    if (result.exitCode() != 0) {
      throw new TargetException(
          "handler "
              + id.name()
              + " on host "
              + host()
              + ": `"
              + command
              + "` exited with "
              + result.exitCode()
              + ": "
              + result.output().strip(),
          false);
    }
    changeState(s -> s.pending.remove(id.name()) | s.resources.add(key(id)));
    List<String> reasons = handlerReasons.getOrDefault(id.name(), List.of());
    String remark =
        "ran handler "
            + id.name()
            + " on "
            + host()
            + ": `"
            + command
            + "` (exit 0)"
            + (reasons.isEmpty() ? "" : " triggered by " + String.join(", ", reasons));
    LOG.info("{}", remark);
    return remark;
  }

  private static String suffix(List<String> handlers) {
    return handlers.isEmpty() ? "" : "; notifies " + String.join(", ", handlers);
  }

  /** Refuses writes through a symlinked parent that leads outside the allowed roots. */
  private void checkRealParent(Transport t, String path, String where)
      throws IOException, TargetException {
    List<String> roots;
    synchronized (this) {
      if (realRoots == null) {
        List<String> resolved = new ArrayList<>();
        for (String root : layout.allowedRoots()) {
          resolved.add(t.realPath(physical(root)));
        }
        realRoots = resolved;
      }
      roots = realRoots;
    }
    String real = t.realPath(physical(PathRules.parent(path)));
    if (!PathRules.insideOrEqual(real, roots)) {
      throw new TargetException(
          where
              + "refusing to write "
              + path
              + " on host "
              + host()
              + ": its directory resolves to "
              + real
              + ", outside the allowed roots (a symlink leads out)",
          false);
    }
  }

  /** Creates {@code path} and missing parents (host paths); existing ones are left as they are. */
  private void ensureDirectory(Transport t, String path, int mode) throws IOException {
    List<String> missing = new ArrayList<>();
    String current = path;
    while (!current.equals("/")) {
      Optional<Transport.Stat> stat = t.stat(List.of(physical(current))).get(0);
      if (stat.isPresent()) {
        break;
      }
      missing.add(0, current);
      current = PathRules.parent(current);
    }
    for (String dir : missing) {
      try {
        t.mkdir(physical(dir), mode);
      } catch (IOException e) {
        // Someone else may have created it meanwhile; only a directory there is fine.
        Optional<Transport.Stat> now = t.stat(List.of(physical(dir))).get(0);
        if (now.isEmpty() || now.get().type() != Transport.Type.DIRECTORY) {
          throw e;
        }
      }
    }
  }

  // ---------------------------------------------------------------- plumbing

  private String physical(String hostPath) {
    return layout.prefix().isEmpty() ? hostPath : layout.prefix() + hostPath;
  }

  private String logicalOf(String phys) {
    return layout.prefix().isEmpty() ? phys : phys.substring(layout.prefix().length());
  }

  private synchronized Transport transport() throws IOException {
    if (transport instanceof SshTransport ssh && !ssh.isOpen()) {
      closeTransport();
    }
    if (transport == null) {
      transport = connector.connect();
    }
    return transport;
  }

  private synchronized void closeTransport() {
    if (transport != null) {
      transport.close();
      transport = null;
    }
  }

  static String key(ResourceId id) {
    return id.kind() + ":" + id.name();
  }

  private ResourceId fromKey(String key) {
    int colon = key.indexOf(':');
    return ResourceId.of(key.substring(0, colon), host(), key.substring(colon + 1));
  }

  @Override
  public void close() {
    closeTransport();
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
