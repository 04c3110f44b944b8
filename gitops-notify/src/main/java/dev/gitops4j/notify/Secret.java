package dev.gitops4j.notify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * A token or signing key read from an environment variable or a file when it is used, so it never
 * sits in configuration and a rotated file is picked up. {@link #toString()} names the origin,
 * never the value.
 */
public final class Secret {

  private final String origin;
  private final java.util.function.Supplier<String> value;

  private Secret(String origin, java.util.function.Supplier<String> value) {
    this.origin = origin;
    this.value = value;
  }

  /** The value of environment variable {@code name}. */
  public static Secret fromEnv(String name) {
    return fromEnv(name, System::getenv);
  }

  /** The value of variable {@code name} in {@code env} (for tests and custom environments). */
  public static Secret fromEnv(String name, Function<String, String> env) {
    Objects.requireNonNull(name, "name");
    return new Secret(
        "environment variable " + name,
        () -> {
          String v = env.apply(name);
          if (v == null || v.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
          }
          return v.strip();
        });
  }

  /** The content of {@code file}, without a trailing newline. */
  public static Secret fromFile(Path file) {
    Objects.requireNonNull(file, "file");
    return new Secret(
        "file " + file,
        () -> {
          try {
            String v = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (v.isEmpty()) {
              throw new IllegalStateException("secret file " + file + " is empty");
            }
            return v;
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read secret file " + file, e);
          }
        });
  }

  /** Reads the value now. */
  public String reveal() {
    return value.get();
  }

  @Override
  public String toString() {
    return "Secret(" + origin + ")";
  }
}
