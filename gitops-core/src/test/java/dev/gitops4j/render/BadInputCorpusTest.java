package dev.gitops4j.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.Problem;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.plan.Ordering;
import dev.gitops4j.plan.PlanPolicy;
import dev.gitops4j.plan.Planner;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import dev.gitops4j.sync.Applier;
import dev.gitops4j.sync.ApplyOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of bad input is refused as a whole: one exception naming each offending file and line
 * with a reason, and nothing of the revision reaches the applier, even though every case also
 * carries a valid manifest that would otherwise be created.
 *
 * <p>Committed cases live in {@code render/bad/<case>/} with an {@code expect.txt} of {@code at:
 * file:line} and {@code says: phrase} lines. Large or binary cases are generated below.
 */
class BadInputCorpusTest {

  private static final String EXPECTATIONS = "expect.txt";

  /** A valid resource added to every case: proves that a bad revision is not applied in part. */
  private static final SourceFile CONTROL =
      SourceFile.of(
          "zz-control/configmap.yaml",
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: control\n  namespace: corpus\n");

  private final ManifestRenderer renderer = ManifestRenderer.ofDefaults();

  record Case(String name, List<SourceFile> files, List<String> locations, List<String> phrases) {
    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusesWithFileLineAndReasonAndAppliesNothing(Case badCase) {
    List<SourceFile> files = new ArrayList<>(badCase.files());
    files.add(CONTROL);
    Snapshot snapshot = new Snapshot("rev-" + badCase.name(), null, files);
    RecordingApplier applier = new RecordingApplier();
    AtomicReference<Plan> planned = new AtomicReference<>();

    Throwable thrown = catchThrowable(() -> runPipeline(snapshot, applier, planned));

    assertThat(thrown).isInstanceOf(InvalidDesiredStateException.class);
    String message = thrown.getMessage();
    for (String location : badCase.locations()) {
      // file:line, not followed by more digits (so "a.yaml:1" does not match "a.yaml:12").
      assertThat(message)
          .as("names %s", location)
          .containsPattern("(?<![\\w/.-])" + Pattern.quote(location) + "(?![0-9])");
    }
    for (String phrase : badCase.phrases()) {
      assertThat(message).contains(phrase);
    }
    Set<String> caseFiles =
        badCase.files().stream().map(SourceFile::path).collect(Collectors.toSet());
    for (Problem problem : ((InvalidDesiredStateException) thrown).problems()) {
      assertThat(caseFiles).contains(problem.origin().file());
      assertThat(problem.origin().line()).as("line of %s", problem).isPositive();
    }
    assertThat(planned.get()).as("plan").isNull();
    assertThat(applier.steps).as("applied steps").isEmpty();
  }

  @Test
  void theSamePipelineAppliesAValidRevision() throws Exception {
    Snapshot snapshot = new Snapshot("rev-good", null, List.of(CONTROL));
    RecordingApplier applier = new RecordingApplier();
    AtomicReference<Plan> planned = new AtomicReference<>();

    runPipeline(snapshot, applier, planned);

    assertThat(planned.get()).isNotNull();
    assertThat(applier.steps)
        .extracting(Step::action, Step::id)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                Step.Action.CREATE, ResourceId.of("ConfigMap", "corpus", "control")));
  }

  @Test
  void corpusIsLargeAndEveryCaseHasExpectations() {
    List<Case> all = cases().toList();
    assertThat(all).hasSizeGreaterThanOrEqualTo(18);
    assertThat(all).allSatisfy(c -> assertThat(c.locations()).isNotEmpty());
    assertThat(all).allSatisfy(c -> assertThat(c.phrases()).isNotEmpty());
    assertThat(all.stream().map(Case::name).distinct()).hasSameSizeAs(all);
  }

  /**
   * Render, diff, plan, apply. The differ is a stand-in until the real one exists: against an empty
   * target every declared resource is missing.
   */
  private void runPipeline(Snapshot snapshot, Applier applier, AtomicReference<Plan> planned)
      throws Exception {
    DesiredState desired = renderer.render(snapshot);
    DriftReport report =
        new DriftReport(
            desired.revision(), desired.resources().values().stream().map(Drift::missing).toList());
    Plan plan =
        new Planner(Ordering.none()).plan(report, Inventory.empty(), PlanPolicy.ofDefaults());
    planned.set(plan);
    for (Step step : plan.steps()) {
      applier.apply(step, ApplyOptions.defaults());
    }
  }

  private static final class RecordingApplier implements Applier {
    final List<Step> steps = new CopyOnWriteArrayList<>();

    @Override
    public String apply(Step step, ApplyOptions options) {
      steps.add(step);
      return "";
    }
  }

  static Stream<Case> cases() {
    return Stream.concat(committedCases(), generatedCases());
  }

  private static Stream<Case> committedCases() {
    Path root = TestFolders.resource("render/bad");
    try (Stream<Path> folders = Files.list(root)) {
      return folders
          .filter(Files::isDirectory)
          .sorted()
          .map(BadInputCorpusTest::committedCase)
          .toList()
          .stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Case committedCase(Path folder) {
    List<String> locations = new ArrayList<>();
    List<String> phrases = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(folder.resolve(EXPECTATIONS))) {
        if (line.startsWith("at: ")) {
          locations.add(line.substring(4).strip());
        } else if (line.startsWith("says: ")) {
          phrases.add(line.substring(6).strip());
        } else if (!line.isBlank()) {
          throw new IllegalStateException(folder + ": unexpected line " + line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Case(
        folder.getFileName().toString(),
        TestFolders.files(folder, EXPECTATIONS),
        locations,
        phrases);
  }

  private static final String HEADER =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: generated\ndata:\n";

  private static Stream<Case> generatedCases() {
    List<Case> cases = new ArrayList<>();

    // Billion laughs: each level holds nine aliases of the previous one.
    StringBuilder bomb = new StringBuilder(HEADER);
    bomb.append("  a: &a [").append(String.join(", ", repeat("\"lol\"", 9))).append("]\n");
    for (char level = 'b'; level <= 'i'; level++) {
      char previous = (char) (level - 1);
      bomb.append("  ").append(level).append(": &").append(level).append(" [");
      bomb.append(String.join(", ", repeat("*" + previous, 9))).append("]\n");
    }
    // Aliases expand to 90, 819, 7380, 66429 values at b..e (74718 in all); f's first alias adds
    // 66430 more, crossing the default budget of 100000 on line 11.
    cases.add(
        yamlCase(
            "alias-bomb", "bomb.yaml", bomb.toString(), "bomb.yaml:11", "possible alias bomb"));

    StringBuilder aliases = new StringBuilder(HEADER).append("  x: &x one\n  many: [");
    aliases.append(String.join(", ", repeat("*x", 1001))).append("]\n");
    cases.add(
        yamlCase(
            "too-many-aliases",
            "aliases.yaml",
            aliases.toString(),
            "aliases.yaml:7",
            "more than 1000 YAML aliases in one file"));

    // 64-byte lines: the default limit of 8 MiB (8388608 bytes) falls at the start of line 131073.
    String padding = "# " + "x".repeat(61) + "\n";
    StringBuilder big = new StringBuilder(HEADER.length() + 8_500_000);
    while (big.length() < 8_400_000) {
      big.append(padding);
    }
    cases.add(
        yamlCase(
            "oversized-file",
            "big.yaml",
            big.toString(),
            "big.yaml:131073",
            "more than the limit of 8388608 bytes"));

    String deep = "[".repeat(150) + "]".repeat(150);
    cases.add(
        yamlCase(
            "deep-nesting-yaml",
            "deep.yaml",
            HEADER + "  x: " + deep + "\n",
            "deep.yaml:6",
            "nesting deeper than 100 levels"));
    cases.add(
        yamlCase(
            "deep-nesting-json",
            "deep.json",
            "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n"
                + "\"metadata\": {\"name\": \"deep\"},\n"
                + "\"data\": {\"x\": "
                + deep
                + "}}\n",
            "deep.json:3",
            "nesting deeper than 100 levels"));

    StringBuilder documents = new StringBuilder();
    for (int i = 0; i < 10_001; i++) {
      documents.append("a: 1\n---\n");
    }
    cases.add(
        yamlCase(
            "too-many-documents",
            "many.yaml",
            documents.toString(),
            "many.yaml:20001",
            "more than 10000 documents in one file"));

    ByteArrayOutputStream utf8 = new ByteArrayOutputStream();
    byte[] prefix =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf".getBytes(StandardCharsets.UTF_8);
    utf8.writeBytes(prefix);
    utf8.writeBytes(new byte[] {(byte) 0xC3, 0x28, '\n'});
    cases.add(
        new Case(
            "invalid-utf8",
            List.of(new SourceFile("latin.yaml", utf8.toByteArray())),
            List.of("latin.yaml:4"),
            List.of("invalid UTF-8: byte 0xC3 at byte offset " + prefix.length)));

    cases.add(
        new Case(
            "utf16-file",
            List.of(
                new SourceFile(
                    "wide.yaml", ("\uFEFF" + HEADER).getBytes(StandardCharsets.UTF_16BE))),
            List.of("wide.yaml:1"),
            List.of("file is UTF-16 encoded")));

    cases.add(
        yamlCase(
            "nul-byte",
            "nul.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\u0000b\n",
            "nul.yaml:4",
            "control character U+0000 is not allowed in YAML"));

    cases.add(
        yamlCase(
            "control-character-json",
            "escape.json",
            "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n"
                + "\"metadata\": {\"name\": \"a\u001Bb\"}}\n",
            "escape.json:2",
            "control character U+001B is not allowed in JSON"));

    cases.add(
        yamlCase(
            "json-number-out-of-range",
            "huge.json",
            "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n"
                + "\"metadata\": {\"name\": \"huge\"},\n"
                + "\"data\": {\"x\": 1e400}}\n",
            "huge.json:3",
            "number is out of range"));

    return cases.stream();
  }

  private static Case yamlCase(
      String name, String path, String content, String location, String phrase) {
    return new Case(
        name, List.of(SourceFile.of(path, content)), List.of(location), List.of(phrase));
  }

  private static List<String> repeat(String value, int times) {
    return java.util.Collections.nCopies(times, value);
  }
}
