package dev.gitops4j.diff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.gitops4j.model.Change;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.ResourceId;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden cases under {@code src/test/resources/diff/golden}: {@code <case>-desired.yaml} and {@code
 * <case>-live.yaml} hold one resource each; {@code <case>-expected.yaml} holds optional {@code
 * options}, the expected {@code changes} (op, path, old, new; the text {@code <redacted>} matches
 * any redaction marker) and optional {@code unifiedDiff.mustContain}/{@code mustNotContain}.
 */
class GoldenDiffTest {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final String REDACTED = "<redacted>";

  static Stream<String> cases() throws IOException, URISyntaxException {
    Path dir = goldenDir();
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(path -> path.getFileName().toString())
          .filter(name -> name.endsWith("-expected.yaml"))
          .map(name -> name.substring(0, name.length() - "-expected.yaml".length()))
          .sorted()
          .toList()
          .stream();
    }
  }

  @Test
  void thereAreEnoughCases() throws Exception {
    assertThat(cases()).hasSizeGreaterThanOrEqualTo(10);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesExpectedChanges(String name) throws Exception {
    Path dir = goldenDir();
    JsonNode desiredBody = YAML.readTree(dir.resolve(name + "-desired.yaml").toFile());
    JsonNode liveBody = YAML.readTree(dir.resolve(name + "-live.yaml").toFile());
    JsonNode expected = YAML.readTree(dir.resolve(name + "-expected.yaml").toFile());
    ResourceId id = idOf(desiredBody);
    assertThat(idOf(liveBody)).isEqualTo(id);
    JsonNode desiredCopy = desiredBody.deepCopy();
    JsonNode liveCopy = liveBody.deepCopy();

    DiffOptions options = options(expected.path("options"));
    DesiredState desired =
        DesiredState.of(
            "rev-1",
            List.of(
                new DesiredResource(
                    id, desiredBody, Origin.of(name + "-desired.yaml", 1), "rev-1")));
    LiveState live = LiveState.of(List.of(new LiveResource(id, liveBody, "1", true)));
    DriftReport report = StructuralDiffer.of(options).diff(desired, live);

    assertThat(report.drifts()).hasSize(1);
    Drift drift = report.drifts().get(0);
    List<JsonNode> expectedChanges = new ArrayList<>();
    expected.path("changes").forEach(expectedChanges::add);
    assertThat(drift.status())
        .isEqualTo(expectedChanges.isEmpty() ? Drift.Status.IN_SYNC : Drift.Status.MODIFIED);
    assertThat(drift.changes())
        .as("changes of %s: %s", name, drift.changes())
        .hasSameSizeAs(expectedChanges);
    for (int i = 0; i < expectedChanges.size(); i++) {
      JsonNode want = expectedChanges.get(i);
      Change got = drift.changes().get(i);
      assertThat(got.op().name()).as("op of change %d", i).isEqualTo(want.path("op").asText());
      assertThat(got.path()).as("path of change %d", i).isEqualTo(want.path("path").asText());
      assertThat(matches(want.get("old"), got.oldValue()))
          .as("old value of %s: %s", got.path(), got.oldValue())
          .isTrue();
      assertThat(matches(want.get("new"), got.newValue()))
          .as("new value of %s: %s", got.path(), got.newValue())
          .isTrue();
      if (got.op() == Change.Op.REPLACE && isMarker(got.oldValue())) {
        assertThat(got.oldValue()).as("marker shows the change").isNotEqualTo(got.newValue());
      }
    }

    String text = UnifiedDiff.custom().options(options).build().render(report);
    assertThat(text.isEmpty()).isEqualTo(expectedChanges.isEmpty());
    JsonNode textRules = expected.path("unifiedDiff");
    textRules.path("mustContain").forEach(line -> assertThat(text).contains(line.asText()));
    textRules.path("mustNotContain").forEach(s -> assertThat(text).doesNotContain(s.asText()));

    assertThat(desiredBody).as("desired body not mutated").isEqualTo(desiredCopy);
    assertThat(liveBody).as("live body not mutated").isEqualTo(liveCopy);
  }

  private static DiffOptions options(JsonNode spec) {
    DiffOptions.Builder builder = DiffOptions.custom();
    if (spec.has("treatEmptyAsAbsent")) {
      builder.treatEmptyAsAbsent(spec.get("treatEmptyAsAbsent").asBoolean());
    }
    List<String> removals = new ArrayList<>();
    spec.path("removeFields").forEach(p -> removals.add(p.asText()));
    if (!removals.isEmpty()) {
      builder.normalizer(Normalizers.removeFields(removals.toArray(String[]::new)));
    }
    for (JsonNode rule : spec.path("ignore")) {
      IgnoreRule ignore = IgnoreRule.of(rule.path("pointer").asText());
      if (rule.has("kind")) {
        ignore = ignore.forKind(rule.get("kind").asText());
      }
      if (rule.has("scope")) {
        ignore = ignore.inScope(rule.get("scope").asText());
      }
      if (rule.has("name")) {
        ignore = ignore.named(rule.get("name").asText());
      }
      builder.ignore(ignore);
    }
    for (JsonNode key : spec.path("arrayKeys")) {
      builder.arrayKey(key.path("path").asText(), key.path("key").asText());
    }
    return builder.build();
  }

  /**
   * {@code group/Kind} from apiVersion {@code group/version}, just {@code Kind} for the core group.
   */
  static ResourceId idOf(JsonNode body) {
    String apiVersion = body.path("apiVersion").asText();
    String kind = body.path("kind").asText();
    int slash = apiVersion.indexOf('/');
    String qualified = slash < 0 ? kind : apiVersion.substring(0, slash) + "/" + kind;
    JsonNode metadata = body.path("metadata");
    return ResourceId.of(
        qualified, metadata.path("namespace").asText(null), metadata.path("name").asText());
  }

  private static boolean matches(JsonNode expected, JsonNode actual) {
    if (expected == null || actual == null) {
      return expected == actual;
    }
    if (expected.isTextual() && expected.textValue().equals(REDACTED)) {
      return isMarker(actual);
    }
    if (expected.isNumber() && actual.isNumber()) {
      return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
    }
    if (expected.isObject() && actual.isObject()) {
      if (expected.size() != actual.size()) {
        return false;
      }
      Iterator<Map.Entry<String, JsonNode>> fields = expected.properties().iterator();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!matches(field.getValue(), actual.get(field.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (expected.isArray() && actual.isArray()) {
      if (expected.size() != actual.size()) {
        return false;
      }
      for (int i = 0; i < expected.size(); i++) {
        if (!matches(expected.get(i), actual.get(i))) {
          return false;
        }
      }
      return true;
    }
    return expected.equals(actual);
  }

  private static boolean isMarker(JsonNode value) {
    return value != null
        && value.isTextual()
        && value.textValue().matches("<redacted:[0-9a-f]{12}>");
  }

  private static Path goldenDir() throws URISyntaxException {
    return Path.of(GoldenDiffTest.class.getResource("/diff/golden").toURI());
  }
}
