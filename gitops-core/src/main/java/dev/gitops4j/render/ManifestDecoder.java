package dev.gitops4j.render;

import dev.gitops4j.model.Problem;
import dev.gitops4j.render.internal.DocumentReader;
import dev.gitops4j.source.SourceFile;
import java.util.List;
import java.util.Objects;

/**
 * Decodes manifest files: YAML ({@code .yaml}, {@code .yml}; several documents separated by {@code
 * ---}) and JSON ({@code .json}; one document). Immutable and thread-safe; start from {@link
 * #ofDefaults()} or {@link #custom()}.
 *
 * <p>Every document must be a mapping; empty documents (only {@code ---}, comments or {@code null})
 * are skipped. Every error names the file, line and column. Refused: invalid UTF-8 (a UTF-8 byte
 * order mark is fine), control characters, duplicate keys, empty keys, YAML tags other than the
 * standard {@code !!str !!int !!float !!bool !!null !!map !!seq}, unknown aliases and anything
 * beyond the {@link DecodeLimits}.
 *
 * <p>YAML values follow YAML 1.2 where it matters for safety: only {@code true}/{@code false} are
 * booleans, so {@code yes}, {@code no}, {@code on}, {@code off} (and a country code {@code NO})
 * stay strings. Numbers follow Jackson: {@code 1e3} is the float 1000.0, {@code 0x1F} is 31, and a
 * leading zero means octal as in YAML 1.1 and kubectl, so {@code 0644} is 420 (a file mode) while
 * {@code 08} is the string "08"; {@code 0o17} stays a string; {@code .inf} and {@code .nan} are
 * refused because JSON cannot hold them. Quote a value to keep it a string.
 *
 * <p>Aliases ({@code *name}) and merge keys ({@code <<: *name}) are expanded into copies; explicit
 * keys win over merged ones. A Kubernetes {@code kind: List} is not expanded here.
 */
public final class ManifestDecoder {

  private final DecodeLimits limits;
  private final DocumentReader reader;

  private ManifestDecoder(DecodeLimits limits) {
    this.limits = limits;
    this.reader = new DocumentReader(limits);
  }

  /** A decoder with {@link DecodeLimits#ofDefaults()}. */
  public static ManifestDecoder ofDefaults() {
    return new ManifestDecoder(DecodeLimits.ofDefaults());
  }

  public static Builder custom() {
    return new Builder();
  }

  public DecodeLimits limits() {
    return limits;
  }

  /** True for the files this decoder reads: {@code .yaml}, {@code .yml} and {@code .json}. */
  public boolean accepts(SourceFile file) {
    return switch (file.extension()) {
      case "yaml", "yml", "json" -> true;
      default -> false;
    };
  }

  /**
   * Decodes every document of {@code file}.
   *
   * @return the mappings in file order; empty when the file holds only empty documents
   * @throws InvalidDesiredStateException listing every problem found in the file
   * @throws IllegalArgumentException when the file is not one this decoder {@link #accepts}
   */
  public List<Manifest> decode(SourceFile file) throws InvalidDesiredStateException {
    Objects.requireNonNull(file, "file");
    if (!accepts(file)) {
      throw new IllegalArgumentException(
          "not a manifest file (expected .yaml, .yml or .json): " + file.path());
    }
    DocumentReader.Result result =
        reader.read(file.path(), file.content(), !file.extension().equals("json"));
    List<Problem> problems = result.problems();
    if (!problems.isEmpty()) {
      throw new InvalidDesiredStateException(problems);
    }
    return result.manifests();
  }

  @Override
  public String toString() {
    return "ManifestDecoder" + limits;
  }

  /** Builder for {@link ManifestDecoder}. */
  public static final class Builder {
    private DecodeLimits limits = DecodeLimits.ofDefaults();

    private Builder() {}

    public Builder limits(DecodeLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    public ManifestDecoder build() {
      return new ManifestDecoder(limits);
    }
  }
}
