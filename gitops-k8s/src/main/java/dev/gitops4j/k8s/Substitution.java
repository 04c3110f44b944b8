package dev.gitops4j.k8s;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Variables substituted into rendered manifests after the build (plain files or the kustomize
 * output; not Helm releases), as Flux's {@code postBuild.substitute} does. Immutable; start from
 * {@link #of(Map)} or {@link #custom()} and hand it to {@link
 * KubernetesTarget.Builder#substitute(Substitution)}.
 *
 * <ul>
 *   <li>{@code ${name}} is replaced by the variable's value, {@code ${name:=default}} by the value
 *       or {@code default} when the variable is not defined; names match {@code
 *       [A-Za-z_][A-Za-z0-9_]*}.
 *   <li>{@code $${name}} is the escape: it stays {@code ${name}} in the output.
 *   <li>Substitution works on the text of each document, so {@code replicas: ${replicas}} becomes a
 *       number. Comment lines are left alone; {@code $name} without braces is not substituted.
 *   <li>Strict (the default): an undefined variable without default is an error naming file, line
 *       and variable, and the revision is not applied. Not strict: it becomes the empty string.
 *   <li>An object annotated {@value #DISABLED_ANNOTATION}{@code : disabled} (or Flux's {@value
 *       #FLUX_DISABLED_ANNOTATION}{@code : disabled}) is left as it is.
 * </ul>
 *
 * <p>Messages name variables, never their values.
 */
public final class Substitution {

  /** Annotation that opts an object out of substitution (value {@code disabled}). */
  public static final String DISABLED_ANNOTATION = "gitops4j.dev/substitute";

  /** Flux's annotation with the same meaning, honoured too. */
  public static final String FLUX_DISABLED_ANNOTATION = "kustomize.toolkit.fluxcd.io/substitute";

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final List<Supplier<Map<String, String>>> sources;
  private final boolean strict;

  private Substitution(Builder builder) {
    this.sources = List.copyOf(builder.sources);
    this.strict = builder.strict;
  }

  /** Strict substitution of {@code variables} (copied). */
  public static Substitution of(Map<String, String> variables) {
    return custom().variables(variables).build();
  }

  public static Builder custom() {
    return new Builder();
  }

  /** Whether an undefined variable without default is an error. */
  public boolean strict() {
    return strict;
  }

  /**
   * The variables for one render: every source in the order added, later ones winning.
   *
   * @throws IllegalStateException naming the variable when a source returns an invalid name
   */
  public Map<String, String> variables() {
    Map<String, String> all = new HashMap<>();
    for (Supplier<Map<String, String>> source : sources) {
      Map<String, String> values = source.get();
      if (values == null) {
        continue;
      }
      values.forEach(
          (name, value) -> {
            if (name == null || !NAME.matcher(name).matches()) {
              throw new IllegalStateException("invalid variable name '" + name + "'");
            }
            if (value == null) {
              throw new IllegalStateException("variable " + name + " has no value");
            }
            all.put(name, value);
          });
    }
    return all;
  }

  @Override
  public String toString() {
    return "Substitution[" + sources.size() + " sources, strict=" + strict + "]";
  }

  /** Builder for {@link Substitution}. */
  public static final class Builder {
    private final List<Supplier<Map<String, String>>> sources = new ArrayList<>();
    private boolean strict = true;

    private Builder() {}

    /**
     * Fixed variables (copied).
     *
     * @throws IllegalArgumentException naming the variable when a name is invalid
     */
    public Builder variables(Map<String, String> variables) {
      Objects.requireNonNull(variables, "variables");
      variables.forEach(
          (name, value) -> {
            if (name == null || !NAME.matcher(name).matches()) {
              throw new IllegalArgumentException(
                  "invalid variable name '" + name + "' (expected [A-Za-z_][A-Za-z0-9_]*)");
            }
            Objects.requireNonNull(value, "value of " + name);
          });
      Map<String, String> copy = Map.copyOf(variables);
      sources.add(() -> copy);
      return this;
    }

    /**
     * Variables read at every render, e.g. from a ConfigMap or a secret store of the embedding
     * service; added after (and winning over) the sources before it.
     */
    public Builder variables(Supplier<Map<String, String>> source) {
      sources.add(Objects.requireNonNull(source, "source"));
      return this;
    }

    /** Whether an undefined variable without default is an error (default true). */
    public Builder strict(boolean strict) {
      this.strict = strict;
      return this;
    }

    public Substitution build() {
      return new Substitution(this);
    }
  }
}
