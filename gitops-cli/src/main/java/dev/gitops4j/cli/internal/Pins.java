package dev.gitops4j.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gitops4j.internal.AtomicFiles;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Applications pinned by {@code rollback}, listed in {@code <state-dir>/pins.json}: the CLI needs
 * the pinned revision before any engine starts (a fleet's hosts are read from it). The pin passes
 * follow is the engine's own, recorded in the history by {@code Engine.rollback}.
 */
final class Pins {

  static final String FILE = "pins.json";

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * One pin.
   *
   * @param revision full commit id
   * @param pinnedAt when {@code rollback} set it (ISO-8601)
   */
  record Pin(String revision, String pinnedAt) {}

  private final Path file;
  private final Map<String, Pin> pins;

  private Pins(Path file, Map<String, Pin> pins) {
    this.file = file;
    this.pins = pins;
  }

  /** The pins under {@code stateDir}; none when the file does not exist. */
  static Pins load(Path stateDir) {
    Path file = stateDir.resolve(FILE);
    if (!Files.exists(file)) {
      return new Pins(file, new TreeMap<>());
    }
    Map<String, Pin> read;
    try {
      read = JSON.readValue(file.toFile(), new TypeReference<TreeMap<String, Pin>>() {});
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      Origin origin =
          at == null
              ? Origin.of(file.toString(), 1)
              : new Origin(file.toString(), at.getLineNr(), at.getColumnNr());
      throw new CliException(
          new Problem(origin, "pins file is not valid: " + e.getOriginalMessage()).toString());
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage());
    }
    Map<String, Pin> pins = new TreeMap<>();
    if (read != null) {
      read.forEach(
          (app, pin) -> {
            if (pin == null
                || pin.revision() == null
                || !COMMIT.matcher(pin.revision()).matches()) {
              throw new CliException(
                  file + ": pin of '" + app + "' needs a full commit id as 'revision'");
            }
            pins.put(app, pin);
          });
    }
    return new Pins(file, pins);
  }

  Optional<Pin> get(String application) {
    return Optional.ofNullable(pins.get(application));
  }

  /** Pinned revisions by application. */
  Map<String, String> revisions() {
    Map<String, String> out = new TreeMap<>();
    pins.forEach((app, pin) -> out.put(app, pin.revision()));
    return out;
  }

  void pin(String application, String revision, Instant now) {
    pins.put(application, new Pin(revision, now.toString()));
    save();
  }

  boolean unpin(String application) {
    boolean removed = pins.remove(application) != null;
    if (removed) {
      save();
    }
    return removed;
  }

  Path file() {
    return file;
  }

  // Replaced atomically, so a crash leaves the old or the new pins.
  private void save() {
    try {
      AtomicFiles.replace(file, JSON.writeValueAsBytes(pins));
    } catch (IOException e) {
      throw new CliException("cannot write " + file + ": " + e.getMessage());
    }
  }
}
