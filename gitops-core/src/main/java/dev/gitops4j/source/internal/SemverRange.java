package dev.gitops4j.source.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic version range in the npm/Cargo style: comparators separated by spaces are ANDed, sets
 * separated by {@code ||} are ORed. Supports {@code = > >= < <=}, caret {@code ^1.2}, tilde {@code
 * ~1.2.3}, x-ranges ({@code 1.x}, {@code 1.2.*}, {@code *}) and partial versions ({@code >=1.2}).
 *
 * <p>Pre-release versions match only when a comparator of the same set names a pre-release of the
 * same major.minor.patch, so {@code >=1.2.0} never picks {@code 1.3.0-rc.1}.
 */
public final class SemverRange {

  private static final Pattern COMPARATOR =
      Pattern.compile(
          "(\\^|~|>=|<=|>|<|=)?\\s*[vV]?"
              + "(\\*|x|X|\\d+)(?:\\.(\\*|x|X|\\d+))?(?:\\.(\\*|x|X|\\d+))?"
              + "(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?");

  private final String text;
  private final List<List<Comparator>> sets;

  private SemverRange(String text, List<List<Comparator>> sets) {
    this.text = text;
    this.sets = sets;
  }

  /**
   * Parses a range.
   *
   * @throws IllegalArgumentException naming the part that could not be parsed
   */
  public static SemverRange parse(String range) {
    Objects.requireNonNull(range, "range");
    String trimmed = range.strip();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("empty semver range");
    }
    List<List<Comparator>> sets = new ArrayList<>();
    for (String alternative : trimmed.split("\\|\\|", -1)) {
      String part = alternative.strip();
      if (part.isEmpty()) {
        throw new IllegalArgumentException("empty alternative in semver range '" + range + "'");
      }
      List<Comparator> comparators = new ArrayList<>();
      // Join operators separated from their version by blanks (">= 1.2") before splitting.
      String normalized = part.replaceAll("(>=|<=|>|<|=|\\^|~)\\s+", "$1");
      for (String token : normalized.split("\\s+")) {
        comparators.addAll(parseComparator(token, range));
      }
      sets.add(List.copyOf(comparators));
    }
    return new SemverRange(trimmed, List.copyOf(sets));
  }

  /** True when {@code version} lies in the range. */
  public boolean matches(Version version) {
    for (List<Comparator> set : sets) {
      if (set.stream().allMatch(c -> c.test(version)) && prereleaseAllowed(set, version)) {
        return true;
      }
    }
    return false;
  }

  /** The highest of {@code candidates} in the range. */
  public Optional<Version> best(Collection<Version> candidates) {
    return candidates.stream().filter(this::matches).max(Version::compareTo);
  }

  private static boolean prereleaseAllowed(List<Comparator> set, Version version) {
    if (!version.isPrerelease()) {
      return true;
    }
    return set.stream()
        .anyMatch(
            c ->
                c.bound.isPrerelease()
                    && c.bound.major() == version.major()
                    && c.bound.minor() == version.minor()
                    && c.bound.patch() == version.patch());
  }

  private static List<Comparator> parseComparator(String token, String range) {
    Matcher m = COMPARATOR.matcher(token);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "cannot parse '" + token + "' in semver range '" + range + "'");
    }
    String op = m.group(1) == null ? "=" : m.group(1);
    Integer major = number(m.group(2));
    Integer minor = number(m.group(3));
    Integer patch = number(m.group(4));
    String pre = m.group(5) == null ? "" : m.group(5);
    if (major == null) {
      // "*" matches every release.
      return List.of(new Comparator(">=", new Version(0, 0, 0, "")));
    }
    boolean partial = minor == null || patch == null;
    if (partial && !pre.isEmpty()) {
      throw new IllegalArgumentException(
          "pre-release needs a full version in '" + token + "' of semver range '" + range + "'");
    }
    Version low = new Version(major, minor == null ? 0 : minor, patch == null ? 0 : patch, pre);
    switch (op) {
      case "^":
        {
          Version high;
          if (major > 0 || minor == null) {
            high = new Version(major + 1, 0, 0, "");
          } else if (minor > 0 || patch == null) {
            high = new Version(0, minor + 1, 0, "");
          } else {
            high = new Version(0, 0, patch + 1, "");
          }
          return List.of(new Comparator(">=", low), new Comparator("<", high));
        }
      case "~":
        {
          Version high =
              minor == null
                  ? new Version(major + 1, 0, 0, "")
                  : new Version(major, minor + 1, 0, "");
          return List.of(new Comparator(">=", low), new Comparator("<", high));
        }
      case "=":
        if (!partial) {
          return List.of(new Comparator("=", low));
        }
        return List.of(new Comparator(">=", low), new Comparator("<", nextPartial(major, minor)));
      case ">":
        return partial
            ? List.of(new Comparator(">=", nextPartial(major, minor)))
            : List.of(new Comparator(">", low));
      case "<=":
        return partial
            ? List.of(new Comparator("<", nextPartial(major, minor)))
            : List.of(new Comparator("<=", low));
      default:
        // ">=" and "<" treat missing parts as zero.
        return List.of(new Comparator(op, low));
    }
  }

  private static Version nextPartial(int major, Integer minor) {
    return minor == null ? new Version(major + 1, 0, 0, "") : new Version(major, minor + 1, 0, "");
  }

  private static Integer number(String part) {
    if (part == null || part.equals("*") || part.equalsIgnoreCase("x")) {
      return null;
    }
    try {
      return Integer.parseInt(part);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("version number too large: " + part, e);
    }
  }

  @Override
  public String toString() {
    return text;
  }

  private record Comparator(String op, Version bound) {
    boolean test(Version version) {
      int cmp = version.compareTo(bound);
      return switch (op) {
        case "=" -> cmp == 0;
        case ">" -> cmp > 0;
        case ">=" -> cmp >= 0;
        case "<" -> cmp < 0;
        case "<=" -> cmp <= 0;
        default -> throw new IllegalStateException(op);
      };
    }
  }

  /**
   * A semantic version. Build metadata is dropped; it does not take part in ordering.
   *
   * @param prerelease dot-separated pre-release identifiers, or empty
   */
  public record Version(int major, int minor, int patch, String prerelease)
      implements java.lang.Comparable<Version> {

    private static final Pattern VERSION =
        Pattern.compile(
            "[vV]?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
                + "(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z.-]+)?");

    public Version {
      if (major < 0 || minor < 0 || patch < 0) {
        throw new IllegalArgumentException("negative version part");
      }
      prerelease = prerelease == null ? "" : prerelease;
    }

    /** Parses {@code 1.2.3}, {@code v1.2.3-rc.1+build}; empty when the text is not a version. */
    public static Optional<Version> tryParse(String text) {
      Matcher m = VERSION.matcher(text);
      if (!m.matches()) {
        return Optional.empty();
      }
      try {
        return Optional.of(
            new Version(
                Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)),
                m.group(4)));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }

    public boolean isPrerelease() {
      return !prerelease.isEmpty();
    }

    @Override
    public int compareTo(Version other) {
      int cmp = Integer.compare(major, other.major);
      if (cmp == 0) {
        cmp = Integer.compare(minor, other.minor);
      }
      if (cmp == 0) {
        cmp = Integer.compare(patch, other.patch);
      }
      if (cmp != 0) {
        return cmp;
      }
      // A release ranks above its pre-releases.
      if (prerelease.isEmpty() || other.prerelease.isEmpty()) {
        return Boolean.compare(prerelease.isEmpty(), other.prerelease.isEmpty());
      }
      String[] mine = prerelease.split("\\.");
      String[] theirs = other.prerelease.split("\\.");
      for (int i = 0; i < Math.min(mine.length, theirs.length); i++) {
        cmp = compareIdentifier(mine[i], theirs[i]);
        if (cmp != 0) {
          return cmp;
        }
      }
      return Integer.compare(mine.length, theirs.length);
    }

    private static int compareIdentifier(String a, String b) {
      boolean aNum = a.chars().allMatch(Character::isDigit);
      boolean bNum = b.chars().allMatch(Character::isDigit);
      if (aNum && bNum) {
        return new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b));
      }
      if (aNum != bNum) {
        return aNum ? -1 : 1;
      }
      return a.compareTo(b);
    }

    @Override
    public String toString() {
      return major + "." + minor + "." + patch + (prerelease.isEmpty() ? "" : "-" + prerelease);
    }
  }
}
