package dev.gitops4j.generate.internal;

import dev.gitops4j.generate.Generator;
import dev.gitops4j.generate.Parameters;
import java.util.List;

/** Literal parameter sets. */
public final class ListGenerator implements Generator {

  private final List<Parameters> sets;

  public ListGenerator(List<Parameters> sets) {
    this.sets = List.copyOf(sets);
  }

  @Override
  public List<Parameters> generate() {
    return sets;
  }

  @Override
  public String toString() {
    return "list of " + sets.size();
  }
}
