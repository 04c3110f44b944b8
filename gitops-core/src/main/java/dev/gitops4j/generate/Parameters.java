package dev.gitops4j.generate;

import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One set of parameters a {@link Generator} produced: text values by key, such as {@code
 * path.basename} or {@code cluster.name}. Nested values read from files are flattened into dotted
 * keys ({@code db.host}, {@code replicas.0}).
 *
 * @param values the values by key, sorted by key
 */
public record Parameters(Map<String, String> values) {

  public Parameters {
    Objects.requireNonNull(values, "values");
    TreeMap<String, String> sorted = new TreeMap<>();
    values.forEach(
        (key, value) -> {
          Objects.requireNonNull(key, "key");
          Objects.requireNonNull(value, () -> "value of " + key);
          sorted.put(key, value);
        });
    values = java.util.Collections.unmodifiableMap(sorted);
  }

  /** Parameters from {@code values}. */
  public static Parameters of(Map<String, String> values) {
    return new Parameters(values);
  }

  /** Parameters from alternating keys and values: {@code of("env", "prod", "region", "eu")}. */
  public static Parameters of(String... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values must come in pairs");
    }
    Map<String, String> values = new TreeMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (values.put(keysAndValues[i], keysAndValues[i + 1]) != null) {
        throw new IllegalArgumentException("key " + keysAndValues[i] + " is given twice");
      }
    }
    return new Parameters(values);
  }

  /**
   * The value of {@code key}.
   *
   * @throws NoSuchElementException naming the key and the keys there are
   */
  public String get(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new NoSuchElementException(
          "no parameter '" + key + "' (there are: " + String.join(", ", values.keySet()) + ")");
    }
    return value;
  }

  /** The value of {@code key}, if there is one. */
  public Optional<String> find(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /**
   * These parameters and {@code other}'s together.
   *
   * @throws IllegalArgumentException when a key has different values in the two
   */
  public Parameters with(Parameters other) {
    Map<String, String> merged = new TreeMap<>(values);
    other.values.forEach(
        (key, value) -> {
          String before = merged.putIfAbsent(key, value);
          if (before != null && !before.equals(value)) {
            throw new IllegalArgumentException(
                "parameter '" + key + "' is both '" + before + "' and '" + value + "'");
          }
        });
    return new Parameters(merged);
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
