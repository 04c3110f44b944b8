package dev.gitops4j.source.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.source.internal.SemverRange.Version;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SemverRangeTest {

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource({
    "'>=1.2.0 <2.0.0', 1.2.0, true",
    "'>=1.2.0 <2.0.0', 1.9.9, true",
    "'>=1.2.0 <2.0.0', 2.0.0, false",
    "'>=1.2.0 <2.0.0', 1.1.9, false",
    "'>=1.2.0 <2.0.0', 1.5.0-rc.1, false",
    "^1.2, 1.2.0, true",
    "^1.2, 1.99.0, true",
    "^1.2, 2.0.0, false",
    "^1.2, 1.1.0, false",
    "^0.2.3, 0.2.9, true",
    "^0.2.3, 0.3.0, false",
    "^0.0.3, 0.0.4, false",
    "~1.2.3, 1.2.9, true",
    "~1.2.3, 1.3.0, false",
    "~1.2.3, 1.2.2, false",
    "~1, 1.9.0, true",
    "1.2.x, 1.2.7, true",
    "1.2.x, 1.3.0, false",
    "*, 7.0.0, true",
    "*, 7.0.0-alpha, false",
    "1.2.3, 1.2.3, true",
    "=1.2.3, 1.2.4, false",
    ">1.2, 1.2.9, false",
    ">1.2, 1.3.0, true",
    "<=1.2, 1.2.9, true",
    "<=1.2, 1.3.0, false",
    "'>= 1.0.0 < 2', 1.4.0, true",
    "'^1 || ^3', 3.1.0, true",
    "'^1 || ^3', 2.1.0, false",
    "'>=1.3.0-rc.1 <2', 1.3.0-rc.2, true",
    "'>=1.3.0-rc.1 <2', 1.4.0-rc.1, false",
    "'>=1.3.0-rc.1 <2', 1.3.0, true",
  })
  void matches(String range, String version, boolean expected) {
    assertThat(SemverRange.parse(range).matches(Version.tryParse(version).orElseThrow()))
        .isEqualTo(expected);
  }

  @Test
  void parsesTagsWithAndWithoutV() {
    assertThat(Version.tryParse("v1.2.3")).contains(new Version(1, 2, 3, ""));
    assertThat(Version.tryParse("1.2.3-rc.1+build.5")).contains(new Version(1, 2, 3, "rc.1"));
    assertThat(Version.tryParse("release-1")).isEmpty();
    assertThat(Version.tryParse("1.2")).isEmpty();
    assertThat(Version.tryParse("01.2.3")).isEmpty();
  }

  @Test
  void ordersPrereleasesBelowReleases() {
    List<Version> ordered =
        List.of(
                "1.0.0-alpha",
                "1.0.0-alpha.1",
                "1.0.0-alpha.beta",
                "1.0.0-beta",
                "1.0.0-beta.2",
                "1.0.0-beta.11",
                "1.0.0-rc.1",
                "1.0.0")
            .stream()
            .map(v -> Version.tryParse(v).orElseThrow())
            .toList();
    for (int i = 1; i < ordered.size(); i++) {
      assertThat(ordered.get(i - 1)).isLessThan(ordered.get(i));
    }
  }

  @Test
  void bestPicksHighest() {
    SemverRange range = SemverRange.parse("^1.2");
    List<Version> versions =
        List.of("1.1.0", "1.2.0", "1.4.1", "1.5.0-rc.1", "2.0.0").stream()
            .map(v -> Version.tryParse(v).orElseThrow())
            .toList();
    assertThat(range.best(versions)).contains(new Version(1, 4, 1, ""));
  }

  @Test
  void rejectsGarbageNamingThePart() {
    assertThatThrownBy(() -> SemverRange.parse(">=1.2 banana")).hasMessageContaining("banana");
    assertThatThrownBy(() -> SemverRange.parse("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SemverRange.parse("^1 ||"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void caretMatchesExactlySameMajorAtOrAbove(
      @ForAll @IntRange(min = 1, max = 20) int major,
      @ForAll @IntRange(max = 20) int minor,
      @ForAll @IntRange(max = 20) int vMajor,
      @ForAll @IntRange(max = 20) int vMinor,
      @ForAll @IntRange(max = 20) int vPatch) {
    SemverRange range = SemverRange.parse("^" + major + "." + minor);
    Version v = new Version(vMajor, vMinor, vPatch, "");
    boolean expected = vMajor == major && vMinor >= minor;
    assertThat(range.matches(v)).isEqualTo(expected);
  }

  @Property
  void tildeMatchesSameMinorAtOrAbovePatch(
      @ForAll @IntRange(max = 9) int minor,
      @ForAll @IntRange(max = 9) int patch,
      @ForAll @IntRange(max = 9) int vMinor,
      @ForAll @IntRange(max = 9) int vPatch) {
    SemverRange range = SemverRange.parse("~1." + minor + "." + patch);
    boolean expected = vMinor == minor && vPatch >= patch;
    assertThat(range.matches(new Version(1, vMinor, vPatch, ""))).isEqualTo(expected);
  }
}
