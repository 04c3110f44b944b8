package dev.gitops4j.cli.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.SyncWindow;
import dev.gitops4j.engine.WaveHealth;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a {@code gitops4j.yaml} file. Every error names the file, line and column; the whole file
 * is read and checked before any application is opened.
 *
 * <pre>
 * applications:
 *   - name: shop
 *     source: {url: https://git.example.com/shop.git, ref: main, path: prod}
 *     target: {type: k8s, options: {kubeconfig: ~/.kube/config, namespace: shop}}
 *     policy: {mode: automatic, prune: true, selfHeal: true}
 *     dependsOn: [network]
 *     syncWindows:
 *       - {kind: deny, schedule: "0 22 * * 5", duration: 60h, zone: Europe/Berlin}
 *     waveHealth: {timeout: 10m}
 * </pre>
 */
final class ConfigFile {

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);

  record Entry(
      String name,
      SourceEntry source,
      TargetEntry target,
      PolicyEntry policy,
      List<String> dependsOn,
      List<WindowEntry> syncWindows,
      WaveHealthEntry waveHealth) {}

  record SourceEntry(
      String url,
      String ref,
      String tag,
      String semver,
      String commit,
      String path,
      AuthEntry auth) {}

  /** Where Git credentials come from; secrets themselves are never written in the file. */
  record AuthEntry(
      String tokenEnv,
      String tokenFile,
      String username,
      String passwordEnv,
      String passwordFile,
      List<String> sshKeys,
      String knownHosts) {}

  record TargetEntry(String type, Map<String, JsonNode> options) {}

  record PolicyEntry(String mode, Boolean prune, Boolean selfHeal) {}

  record WindowEntry(
      String kind, String schedule, String duration, String zone, Boolean manualSync) {}

  record WaveHealthEntry(String timeout, String poll, Boolean continueWhenDegraded) {}

  private static final Durations DURATIONS = new Durations();

  private ConfigFile() {}

  /** Parses and checks {@code file}; throws a {@link CliException} naming file:line:column. */
  static List<AppSpec> read(Path file, Set<String> targetTypes) {
    String name = file.toString();
    List<AppSpec> apps = new ArrayList<>();
    int index = -1;
    try (JsonParser parser = YAML.createParser(Files.newBufferedReader(file))) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw problem(
            name, parser.currentTokenLocation(), "expected a mapping with 'applications'");
      }
      boolean sawApplications = false;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        JsonLocation keyAt = parser.currentTokenLocation();
        if (!key.equals("applications")) {
          throw problem(name, keyAt, "unknown key '" + key + "' (expected: applications)");
        }
        sawApplications = true;
        if (parser.nextToken() != JsonToken.START_ARRAY) {
          throw problem(name, parser.currentTokenLocation(), "'applications' must be a list");
        }
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          JsonLocation at = parser.currentTokenLocation();
          if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw problem(name, at, "each application must be a mapping");
          }
          index++;
          Entry entry = YAML.readValue(parser, Entry.class);
          apps.add(toSpec(entry, name, at, targetTypes));
        }
      }
      if (!sawApplications || apps.isEmpty()) {
        throw problem(name, parser.currentTokenLocation(), "no applications declared");
      }
    } catch (NoSuchFileException e) {
      throw new CliException(name + ": no such file");
    } catch (UnrecognizedPropertyException e) {
      String known =
          e.getKnownPropertyIds() == null
              ? ""
              : " (expected one of: "
                  + e.getKnownPropertyIds().stream()
                      .map(String::valueOf)
                      .sorted()
                      .collect(Collectors.joining(", "))
                  + ")";
      throw problem(
          name, keyLocation(file, index, e), "unknown key '" + e.getPropertyName() + "'" + known);
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      throw problem(name, keyLocation(file, index, e), e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw problem(name, e.getLocation(), e.getOriginalMessage());
    } catch (IOException e) {
      throw new CliException(name + ": cannot read: " + e.getMessage(), e);
    }
    Set<String> names = new HashSet<>();
    for (AppSpec app : apps) {
      if (!names.add(app.name())) {
        throw new CliException(app.where() + ": application '" + app.name() + "' declared twice");
      }
    }
    return dependenciesFirst(apps);
  }

  /**
   * The applications with each one after those it depends on (otherwise in file order), so that
   * commands that pass one application after the other find the dependencies synced.
   */
  private static List<AppSpec> dependenciesFirst(List<AppSpec> apps) {
    Map<String, AppSpec> byName = new LinkedHashMap<>();
    apps.forEach(app -> byName.put(app.name(), app));
    for (AppSpec app : apps) {
      for (String dependency : app.delivery().dependsOn()) {
        if (!byName.containsKey(dependency)) {
          throw new CliException(
              app.where()
                  + ": application '"
                  + app.name()
                  + "' depends on '"
                  + dependency
                  + "', which the file does not declare");
        }
      }
    }
    List<AppSpec> ordered = new ArrayList<>();
    Set<String> done = new HashSet<>();
    for (AppSpec app : apps) {
      visit(app, byName, done, new ArrayList<>(), ordered);
    }
    return ordered;
  }

  private static void visit(
      AppSpec app,
      Map<String, AppSpec> byName,
      Set<String> done,
      List<String> path,
      List<AppSpec> ordered) {
    if (done.contains(app.name())) {
      return;
    }
    if (path.contains(app.name())) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(app.name()), path.size()));
      cycle.add(app.name());
      throw new CliException(app.where() + ": dependency cycle: " + String.join(" -> ", cycle));
    }
    path.add(app.name());
    for (String dependency : app.delivery().dependsOn()) {
      visit(byName.get(dependency), byName, done, path, ordered);
    }
    path.remove(path.size() - 1);
    done.add(app.name());
    ordered.add(app);
  }

  private static AppSpec toSpec(Entry e, String file, JsonLocation at, Set<String> targetTypes) {
    String where = origin(file, at).toString();
    if (e.name() == null || e.name().isBlank()) {
      throw new CliException(where + ": application needs a 'name'");
    }
    if (e.source() == null || e.source().url() == null || e.source().url().isBlank()) {
      throw new CliException(where + ": application '" + e.name() + "' needs 'source.url'");
    }
    if (e.target() == null || e.target().type() == null) {
      throw new CliException(where + ": application '" + e.name() + "' needs 'target.type'");
    }
    String type = e.target().type();
    if (!targetTypes.contains(type)) {
      throw new CliException(
          where
              + ": application '"
              + e.name()
              + "': unknown target type '"
              + type
              + "' (known: "
              + String.join(", ", targetTypes)
              + ")");
    }
    RefSpec ref;
    SyncPolicy policy;
    GitAuth auth;
    Delivery delivery;
    try {
      SourceEntry s = e.source();
      ref = Refs.choose(s.ref(), s.tag(), s.semver(), s.commit());
      auth = auth(s.auth());
      PolicyEntry p = e.policy();
      policy = p == null ? SyncPolicy.automatic() : Policies.of(p.mode(), p.prune(), p.selfHeal());
      delivery = delivery(e);
    } catch (IllegalArgumentException | picocli.CommandLine.TypeConversionException ex) {
      throw new CliException(where + ": application '" + e.name() + "': " + ex.getMessage());
    }
    Map<String, String> options = new LinkedHashMap<>();
    if (e.target().options() != null) {
      e.target().options().forEach((k, v) -> flatten(k, v, options));
    }
    return new AppSpec(
        e.name(),
        e.source().url(),
        ref,
        e.source().path(),
        type,
        options,
        policy,
        where,
        auth,
        delivery);
  }

  private static Delivery delivery(Entry e) {
    List<SyncWindow> windows = new ArrayList<>();
    if (e.syncWindows() != null) {
      for (WindowEntry w : e.syncWindows()) {
        windows.add(window(w));
      }
    }
    WaveHealth waveHealth = null;
    WaveHealthEntry h = e.waveHealth();
    if (h != null) {
      if (h.timeout() == null) {
        throw new IllegalArgumentException("waveHealth needs 'timeout'");
      }
      waveHealth = WaveHealth.required(DURATIONS.convert(h.timeout()));
      if (h.poll() != null) {
        waveHealth = waveHealth.poll(DURATIONS.convert(h.poll()));
      }
      if (Boolean.TRUE.equals(h.continueWhenDegraded())) {
        waveHealth = waveHealth.continueWhenDegraded();
      }
    }
    List<String> dependsOn = e.dependsOn() == null ? List.of() : e.dependsOn();
    if (dependsOn.contains(e.name())) {
      throw new IllegalArgumentException("cannot depend on itself");
    }
    return new Delivery(dependsOn, windows, waveHealth);
  }

  private static SyncWindow window(WindowEntry w) {
    if (w.kind() == null || w.schedule() == null || w.duration() == null || w.zone() == null) {
      throw new IllegalArgumentException(
          "a sync window needs 'kind' (allow or deny), 'schedule', 'duration' and 'zone'");
    }
    ZoneId zone;
    try {
      zone = ZoneId.of(w.zone());
    } catch (java.time.DateTimeException ex) {
      throw new IllegalArgumentException("sync window zone '" + w.zone() + "' is not a time zone");
    }
    Duration duration = DURATIONS.convert(w.duration());
    SyncWindow window =
        switch (w.kind()) {
          case "allow" -> SyncWindow.allow(w.schedule(), duration, zone);
          case "deny" -> SyncWindow.deny(w.schedule(), duration, zone);
          default ->
              throw new IllegalArgumentException(
                  "sync window kind '" + w.kind() + "' (expected allow or deny)");
        };
    return Boolean.TRUE.equals(w.manualSync()) ? window.allowManualSync() : window;
  }

  private static GitAuth auth(AuthEntry a) {
    if (a == null) {
      return GitAuth.NONE;
    }
    return new GitAuth(
            a.tokenEnv(),
            path(a.tokenFile()),
            a.username(),
            a.passwordEnv(),
            path(a.passwordFile()),
            a.sshKeys() == null ? List.of() : a.sshKeys().stream().map(Path::of).toList(),
            path(a.knownHosts()))
        .check(GitAuth.Names.YAML);
  }

  private static Path path(String value) {
    return value == null ? null : Path.of(value);
  }

  // Nested option maps (terraform vars) become dotted keys: vars: {region: x} -> var.region.
  private static void flatten(String key, JsonNode value, Map<String, String> into) {
    if (value != null && value.isObject()) {
      String prefix = key.equals("vars") ? "var" : key;
      for (Iterator<Map.Entry<String, JsonNode>> it = value.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        flatten(prefix + "." + field.getKey(), field.getValue(), into);
      }
    } else if (value != null && value.isArray()) {
      // Lists (allowed-roots, identity) become comma-separated, as on the command line.
      List<String> items = new ArrayList<>();
      value.forEach(item -> items.add(item.asText()));
      into.put(key, String.join(",", items));
    } else {
      into.put(key, value == null || value.isNull() ? "" : value.asText());
    }
  }

  /**
   * Where the key a binding error is about was written. Jackson reports where the reader stopped,
   * which for records is the end of the mapping; a second read finds the key itself.
   */
  private static JsonLocation keyLocation(
      Path file, int index, com.fasterxml.jackson.databind.JsonMappingException e) {
    StringBuilder pointer = new StringBuilder("/applications/").append(index);
    for (com.fasterxml.jackson.databind.JsonMappingException.Reference ref : e.getPath()) {
      pointer.append('/').append(ref.getFieldName() != null ? ref.getFieldName() : ref.getIndex());
    }
    Map<String, JsonLocation> keys = new java.util.HashMap<>();
    try (JsonParser parser = YAML.createParser(Files.newBufferedReader(file))) {
      parser.nextToken();
      walk(parser, "", keys);
    } catch (IOException | RuntimeException unreadable) {
      return e.getLocation();
    }
    // The deepest key of the path that exists: a missing value is reported at its parent.
    for (String at = pointer.toString(); !at.isEmpty(); at = at.substring(0, at.lastIndexOf('/'))) {
      if (keys.containsKey(at)) {
        return keys.get(at);
      }
    }
    return e.getLocation();
  }

  private static void walk(JsonParser parser, String prefix, Map<String, JsonLocation> keys)
      throws IOException {
    if (parser.currentToken() == JsonToken.START_OBJECT) {
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = prefix + "/" + parser.currentName();
        keys.put(key, parser.currentTokenLocation());
        parser.nextToken();
        walk(parser, key, keys);
      }
    } else if (parser.currentToken() == JsonToken.START_ARRAY) {
      int i = 0;
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        keys.put(prefix + "/" + i, parser.currentTokenLocation());
        walk(parser, prefix + "/" + i++, keys);
      }
    }
  }

  private static Origin origin(String file, JsonLocation at) {
    return at == null ? Origin.of(file, 1) : new Origin(file, at.getLineNr(), at.getColumnNr());
  }

  private static CliException problem(String file, JsonLocation at, String message) {
    return new CliException(new Problem(origin(file, at), message).toString());
  }
}
