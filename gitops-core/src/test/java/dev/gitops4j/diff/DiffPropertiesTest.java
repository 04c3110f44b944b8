package dev.gitops4j.diff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.diff.internal.JsonPatcher;
import dev.gitops4j.diff.internal.PointerPattern;
import dev.gitops4j.diff.internal.Pointers;
import dev.gitops4j.diff.internal.TreeDiff;
import dev.gitops4j.model.Change;
import dev.gitops4j.model.ResourceId;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the differ over arbitrary JSON trees.
 *
 * <p>Equality semantics: numbers by value; with empty-as-absent, empty field values equal missing
 * fields; arrays matched by key are equal regardless of element order. The change list applies in
 * order to the live tree with its keyed arrays put in desired order ({@link TreeDiff#align}), which
 * is itself equal to the live tree under these semantics.
 */
class DiffPropertiesTest {

  private static final ResourceId ID = ResourceId.of("test/Thing", "ns", "thing");
  private static final List<String> KEYS = List.of("name", "containerPort");

  @Provide
  Arbitrary<JsonNode> trees() {
    return JsonTrees.objects(4);
  }

  @Provide
  Arbitrary<String> ignorePatterns() {
    // Never a key field and never a trailing wildcard: removing keys or whole array elements
    // changes how the remaining elements pair up, which is not what these properties are about.
    Arbitrary<String> middle = Arbitraries.of("a", "b", "c", "x~0y", "p~1q", "*", "**");
    Arbitrary<String> last = Arbitraries.of("a", "b", "c", "d", "x~0y", "p~1q");
    return middle
        .list()
        .ofMaxSize(3)
        .flatMap(
            segments ->
                last.map(
                    tail -> {
                      StringBuilder pattern = new StringBuilder();
                      segments.forEach(s -> pattern.append('/').append(s));
                      return pattern.append('/').append(tail).toString();
                    }));
  }

  private static TreeDiff treeDiff(boolean emptyAsAbsent) {
    return new TreeDiff(emptyAsAbsent, Map.of(), KEYS);
  }

  @Property(tries = 400)
  void diffOfATreeWithItselfIsEmpty(@ForAll("trees") JsonNode a, @ForAll boolean emptyAsAbsent) {
    assertThat(treeDiff(emptyAsAbsent).diff(a, a.deepCopy())).isEmpty();
    assertThat(
            StructuralDiffer.of(DiffOptions.custom().treatEmptyAsAbsent(emptyAsAbsent).build())
                .changes(ID, a.deepCopy(), a))
        .isEmpty();
  }

  @Property(tries = 500)
  void applyingTheDiffToTheAlignedLiveTreeGivesTheDesiredTree(
      @ForAll("trees") JsonNode live,
      @ForAll("trees") JsonNode desired,
      @ForAll boolean emptyAsAbsent) {
    TreeDiff diff = treeDiff(emptyAsAbsent);
    JsonNode liveCopy = live.deepCopy();
    JsonNode desiredCopy = desired.deepCopy();

    List<Change> changes = diff.diff(live, desired);
    JsonNode aligned = diff.align(live, desired);
    JsonNode patched = JsonPatcher.apply(aligned, changes);

    assertThat(JsonTrees.unordered(aligned))
        .as("aligning only reorders arrays")
        .isEqualTo(JsonTrees.unordered(live));
    assertThat(JsonTrees.same(patched, desired, emptyAsAbsent))
        .as("patched %s with %s gives %s", aligned, changes, patched)
        .isTrue();
    assertThat(diff.diff(patched, desired)).isEmpty();
    assertThat(changes.isEmpty()).isEqualTo(JsonTrees.same(aligned, desired, emptyAsAbsent));
    assertThat(live).isEqualTo(liveCopy);
    assertThat(desired).isEqualTo(desiredCopy);
  }

  @Property(tries = 300)
  void builtInNormalizersAreIdempotentAndDoNotMutate(
      @ForAll("trees") JsonNode a, @ForAll("ignorePatterns") String pattern) {
    JsonNode copy = a.deepCopy();
    for (Normalizer normalizer :
        List.of(
            Normalizers.removeFields(pattern), Normalizers.dropNulls(), Normalizers.dropEmpty())) {
      JsonNode once = normalizer.normalize(ID, a);
      JsonNode twice = normalizer.normalize(ID, once);
      assertThat(twice).isEqualTo(once);
      assertThat(a).isEqualTo(copy);
    }
  }

  @Property(tries = 300)
  void removeFieldsLeavesNothingTheRuleSelects(
      @ForAll("trees") JsonNode a, @ForAll("ignorePatterns") String pattern) {
    JsonNode removed = Normalizers.removeFields(pattern).normalize(ID, a);
    PointerPattern compiled = PointerPattern.parse(pattern);
    assertThat(paths(removed, new java.util.ArrayList<>(), new java.util.ArrayList<>()))
        .noneMatch(compiled::matches);
  }

  @Property(tries = 500)
  void ignoreRulesSuppressExactlyTheIgnoredPaths(
      @ForAll("trees") JsonNode live,
      @ForAll("trees") JsonNode desired,
      @ForAll("ignorePatterns") String pattern,
      @ForAll boolean emptyAsAbsent) {
    DiffOptions plain = DiffOptions.custom().treatEmptyAsAbsent(emptyAsAbsent).build();
    DiffOptions ignoring =
        plain.toBuilder().ignore(IgnoreRule.of(pattern).forKind("test/*")).build();
    List<Change> without = StructuralDiffer.of(plain).changes(ID, desired, live);
    List<Change> with = StructuralDiffer.of(ignoring).changes(ID, desired, live);
    PointerPattern ignored = PointerPattern.parse(pattern);
    JsonNode strippedLive = ignored.remove(live);
    JsonNode strippedDesired = ignored.remove(desired);

    assertThat(with)
        .as("no change under %s", pattern)
        .noneMatch(change -> ignored.covers(Pointers.parse(change.path())));
    for (Change change : without) {
      boolean related =
          ignored.covers(Pointers.parse(change.path()))
              || holdsIgnored(ignored, change.path(), change.oldValue())
              || holdsIgnored(ignored, change.path(), change.newValue())
              || (emptyAsAbsent
                  && emptiedAbove(change.path(), live, desired, strippedLive, strippedDesired));
      if (!related) {
        assertThat(with).as("unrelated change kept with %s", pattern).contains(change);
      }
    }
    // A rule for another kind changes nothing.
    DiffOptions otherKind =
        plain.toBuilder().ignore(IgnoreRule.of(pattern).forKind("other/*")).build();
    assertThat(StructuralDiffer.of(otherKind).changes(ID, desired, live)).isEqualTo(without);
  }

  /**
   * Whether removing the ignored locations leaves an ancestor of the path empty on either side,
   * which then compares as absent: changes below it take a different shape.
   */
  private static boolean emptiedAbove(
      String path,
      JsonNode live,
      JsonNode desired,
      JsonNode strippedLive,
      JsonNode strippedDesired) {
    List<String> tokens = Pointers.parse(path);
    for (int end = 0; end < tokens.size(); end++) {
      List<String> prefix = tokens.subList(0, end);
      if (emptied(JsonTrees.at(desired, prefix), JsonTrees.at(strippedDesired, prefix))
          || emptied(
              JsonTrees.liveAt(live, desired, prefix, KEYS),
              JsonTrees.liveAt(strippedLive, strippedDesired, prefix, KEYS))) {
        return true;
      }
    }
    return false;
  }

  private static boolean emptied(JsonNode before, JsonNode after) {
    return before != null && after != null && !JsonTrees.blank(before) && JsonTrees.blank(after);
  }

  /** Whether the value, placed at the path, contains a location the pattern selects. */
  private static boolean holdsIgnored(PointerPattern pattern, String path, JsonNode value) {
    if (value == null) {
      return false;
    }
    JsonNode body = value;
    List<String> tokens = Pointers.parse(path);
    for (int i = tokens.size() - 1; i >= 0; i--) {
      ObjectNode parent = JsonTrees.F.objectNode();
      parent.set(tokens.get(i), body);
      body = parent;
    }
    return pattern.remove(body) != body;
  }

  private static List<List<String>> paths(
      JsonNode node, List<String> prefix, List<List<String>> out) {
    out.add(List.copyOf(prefix));
    if (node.isObject()) {
      node.properties()
          .iterator()
          .forEachRemaining(
              field -> {
                prefix.add(field.getKey());
                paths(field.getValue(), prefix, out);
                prefix.remove(prefix.size() - 1);
              });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        prefix.add(Integer.toString(i));
        paths(node.get(i), prefix, out);
        prefix.remove(prefix.size() - 1);
      }
    }
    return out;
  }
}
