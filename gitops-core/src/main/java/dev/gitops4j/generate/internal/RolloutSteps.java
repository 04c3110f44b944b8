package dev.gitops4j.generate.internal;

import dev.gitops4j.generate.Parameters;
import dev.gitops4j.generate.Rollout;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Splits generated applications into rollout steps. Pure. */
public final class RolloutSteps {

  private RolloutSteps() {}

  /**
   * The steps of {@code rollout} over {@code applications} (name to parameters), each a list of
   * names; empty when there is no application.
   */
  public static List<List<String>> of(Rollout rollout, Map<String, Parameters> applications) {
    if (applications.isEmpty()) {
      return List.of();
    }
    List<String> names = new ArrayList<>(applications.keySet());
    if (rollout.isAllAtOnce()) {
      names.sort(Comparator.naturalOrder());
      return List.of(List.copyOf(names));
    }
    String key = rollout.orderKey();
    Comparator<String> byName = Comparator.naturalOrder();
    Comparator<String> order =
        key.isEmpty()
            ? byName
            : Comparator.<String, Optional<String>>comparing(
                    name -> applications.get(name).find(key), RolloutSteps::compareValues)
                .thenComparing(byName);
    names.sort(order);
    List<List<String>> steps = new ArrayList<>();
    List<String> current = new ArrayList<>();
    Optional<String> currentValue = null;
    for (String name : names) {
      Optional<String> value = key.isEmpty() ? Optional.empty() : applications.get(name).find(key);
      boolean full =
          rollout.byValue()
              ? currentValue != null && !Objects.equals(currentValue, value)
              : current.size() == rollout.stepSize();
      if (full) {
        steps.add(List.copyOf(current));
        current.clear();
      }
      current.add(name);
      currentValue = value;
    }
    steps.add(List.copyOf(current));
    return List.copyOf(steps);
  }

  /** Numbers as numbers when both are, text otherwise; a missing value goes last. */
  static int compareValues(Optional<String> a, Optional<String> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return Boolean.compare(a.isEmpty(), b.isEmpty());
    }
    BigDecimal x = number(a.get());
    BigDecimal y = number(b.get());
    if (x != null && y != null) {
      return x.compareTo(y);
    }
    return a.get().compareTo(b.get());
  }

  private static BigDecimal number(String text) {
    try {
      return new BigDecimal(text.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
