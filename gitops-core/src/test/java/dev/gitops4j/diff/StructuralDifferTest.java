package dev.gitops4j.diff;

import static dev.gitops4j.diff.Json.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.Change;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Drift;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.ResourceId;
import java.util.List;
import org.junit.jupiter.api.Test;

class StructuralDifferTest {

  private static final ResourceId ID = ResourceId.of("apps/Deployment", "shop", "web");
  private final StructuralDiffer differ = StructuralDiffer.ofDefaults();

  private static DesiredResource desired(ResourceId id, String body) {
    return new DesiredResource(id, json(body), Origin.of("app.yaml", 1), "r1");
  }

  private static LiveResource live(ResourceId id, String body) {
    return new LiveResource(id, json(body), "7", true);
  }

  @Test
  void reportListsDeclaredInOrderThenExtraneousSortedById() {
    ResourceId b = ResourceId.of("Service", "shop", "b");
    ResourceId a = ResourceId.of("ConfigMap", "shop", "a");
    ResourceId missing = ResourceId.of("Secret", "shop", "m");
    ResourceId extraZ = ResourceId.of("Service", "shop", "z");
    ResourceId extraA = ResourceId.of("ConfigMap", "other", "x");
    DesiredState desired =
        DesiredState.of(
            "r1", List.of(desired(b, "{'v':1}"), desired(a, "{'v':1}"), desired(missing, "{}")));
    LiveState live =
        LiveState.of(
            List.of(
                live(extraZ, "{}"), live(a, "{'v':2}"), live(b, "{'v':1.0}"), live(extraA, "{}")));

    DriftReport report = differ.diff(desired, live);

    assertThat(report.revision()).isEqualTo("r1");
    assertThat(report.drifts())
        .extracting(Drift::id, Drift::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(b, Drift.Status.IN_SYNC),
            org.assertj.core.groups.Tuple.tuple(a, Drift.Status.MODIFIED),
            org.assertj.core.groups.Tuple.tuple(missing, Drift.Status.MISSING),
            org.assertj.core.groups.Tuple.tuple(extraA, Drift.Status.EXTRANEOUS),
            org.assertj.core.groups.Tuple.tuple(extraZ, Drift.Status.EXTRANEOUS));
    assertThat(report.drifts().get(1).changes())
        .containsExactly(Change.replace("/v", json("2"), json("1")));
  }

  @Test
  void objectsCompareKeyByKeyInDesiredOrderThenLiveOnlyFields() {
    List<Change> changes =
        differ.changes(
            ID, json("{'b':1,'a':{'x':true},'c':'new'}"), json("{'gone':0,'a':{'x':false},'b':1}"));
    assertThat(changes)
        .containsExactly(
            Change.replace("/a/x", json("false"), json("true")),
            Change.add("/c", json("'new'")),
            Change.remove("/gone", json("0")));
  }

  @Test
  void numbersCompareByValueButNotWithStrings() {
    assertThat(
            differ.changes(
                ID, json("{'n':1,'l':10000000000,'d':0.5}"), json("{'n':1.0,'l':1.0E10,'d':0.50}")))
        .isEmpty();
    assertThat(differ.changes(ID, json("{'n':1}"), json("{'n':'1'}")))
        .containsExactly(Change.replace("/n", json("'1'"), json("1")));
    assertThat(differ.changes(ID, json("{'n':9007199254740993}"), json("{'n':9007199254740992.0}")))
        .hasSize(1);
  }

  @Test
  void pointerTokensEscapeTildeAndSlash() {
    assertThat(differ.changes(ID, json("{'a/b':{'~c':1}}"), json("{'a/b':{'~c':2}}")))
        .extracting(Change::path)
        .containsExactly("/a~1b/~0c");
  }

  @Test
  void typeChangeIsOneReplace() {
    assertThat(differ.changes(ID, json("{'a':[1]}"), json("{'a':{'x':1}}")))
        .containsExactly(Change.replace("/a", json("{'x':1}"), json("[1]")));
  }

  @Test
  void keyedArraysIgnoreOrderAndUseDesiredIndex() {
    String desired = "{'c':[{'name':'a','v':1},{'name':'b','v':2},{'name':'new','v':3}]}";
    String live = "{'c':[{'name':'old','v':0},{'name':'b','v':9},{'name':'a','v':1}]}";
    assertThat(differ.changes(ID, json(desired), json(live)))
        .containsExactly(
            Change.remove("/c/2", json("{'name':'old','v':0}")),
            Change.replace("/c/1/v", json("9"), json("2")),
            Change.add("/c/2", json("{'name':'new','v':3}")));
  }

  @Test
  void duplicateOrMissingKeysFallBackToIndex() {
    String desired = "{'c':[{'name':'a','v':1},{'name':'a','v':2}]}";
    String live = "{'c':[{'name':'a','v':2},{'name':'a','v':1}]}";
    assertThat(differ.changes(ID, json(desired), json(live))).hasSize(2);
    assertThat(differ.changes(ID, json("{'c':[{'v':1},{'v':2}]}"), json("{'c':[{'v':2},{'v':1}]}")))
        .extracting(Change::path)
        .containsExactly("/c/0/v", "/c/1/v");
  }

  @Test
  void configuredArrayKeyWinsOverDefaults() {
    String desired = "{'spec':{'rules':[{'host':'b','name':'x'},{'host':'a','name':'y'}]}}";
    String live = "{'spec':{'rules':[{'host':'a','name':'y'},{'host':'b','name':'z'}]}}";
    StructuralDiffer byHost =
        StructuralDiffer.of(DiffOptions.custom().arrayKey("/spec/rules", "host").build());
    assertThat(byHost.changes(ID, json(desired), json(live)))
        .containsExactly(Change.replace("/spec/rules/0/name", json("'z'"), json("'x'")));
    // By default "name" is the key: x is added and z removed.
    assertThat(differ.changes(ID, json(desired), json(live)))
        .extracting(Change::op)
        .containsExactly(Change.Op.REMOVE, Change.Op.ADD);
  }

  @Test
  void wildcardArrayKeyPatternsMatchNestedArrays() {
    DiffOptions options =
        DiffOptions.custom().arrayKey("/items/*/ports", "port").defaultArrayKeys(List.of()).build();
    String desired = "{'items':[{'ports':[{'port':1,'x':1},{'port':2,'x':2}]}]}";
    String live = "{'items':[{'ports':[{'port':2,'x':2},{'port':1,'x':1}]}]}";
    assertThat(StructuralDiffer.of(options).changes(ID, json(desired), json(live))).isEmpty();
  }

  @Test
  void withoutDefaultKeysArraysMatchByIndex() {
    DiffOptions options = DiffOptions.custom().defaultArrayKeys(List.of()).build();
    assertThat(
            StructuralDiffer.of(options)
                .changes(
                    ID,
                    json("{'c':[{'name':'a'},{'name':'b'}]}"),
                    json("{'c':[{'name':'b'},{'name':'a'}]}")))
        .hasSize(2);
  }

  @Test
  void emptyValuesEqualAbsentByDefault() {
    String desired = "{'a':{},'b':[],'c':null,'d':{'e':{'f':null}},'keep':1}";
    assertThat(differ.changes(ID, json(desired), json("{'keep':1,'x':{},'y':[]}"))).isEmpty();
    assertThat(differ.changes(ID, json("{'a':null}"), json("{'a':5}")))
        .containsExactly(Change.remove("/a", json("5")));
    assertThat(differ.changes(ID, json("{'a':{'b':1}}"), json("{'a':[]}")))
        .containsExactly(Change.add("/a", json("{'b':1}")));
  }

  @Test
  void emptyValuesAreValuesWhenConfigured() {
    StructuralDiffer strict =
        StructuralDiffer.of(DiffOptions.custom().treatEmptyAsAbsent(false).build());
    assertThat(strict.changes(ID, json("{'a':{},'b':null}"), json("{'c':[]}")))
        .containsExactly(
            Change.add("/a", json("{}")),
            Change.add("/b", json("null")),
            Change.remove("/c", json("[]")));
    assertThat(strict.changes(ID, json("{'a':{}}"), json("{'a':[]}")))
        .containsExactly(Change.replace("/a", json("[]"), json("{}")));
  }

  @Test
  void normalizersRunOnBothSidesBeforeIgnoreRules() {
    DiffOptions options =
        DiffOptions.custom()
            .normalizer(Normalizers.removeFields("/status"))
            .normalizer(
                (id, body) ->
                    body.has("drop") ? Normalizers.removeFields("/drop").normalize(id, body) : body)
            .ignore(IgnoreRule.of("/spec/replicas").forKind("apps/*"))
            .build();
    JsonNode desired = json("{'spec':{'replicas':1,'image':'a'}}");
    JsonNode live = json("{'spec':{'replicas':3,'image':'b'},'status':{'ready':true},'drop':1}");
    assertThat(StructuralDiffer.of(options).changes(ID, desired, live))
        .containsExactly(Change.replace("/spec/image", json("'b'"), json("'a'")));
    // Scoped to apps/*: a Service keeps the replicas change.
    assertThat(
            StructuralDiffer.of(options)
                .changes(ResourceId.of("Service", "shop", "web"), desired, live))
        .extracting(Change::path)
        .containsExactly("/spec/replicas", "/spec/image");
  }

  @Test
  void failingNormalizerIsReportedWithTheResource() {
    StructuralDiffer broken =
        StructuralDiffer.of(
            DiffOptions.custom()
                .normalizer(
                    (id, body) -> {
                      throw new IllegalStateException("boom");
                    })
                .build());
    assertThatThrownBy(() -> broken.changes(ID, json("{}"), json("{}")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("apps/Deployment shop/web")
        .hasRootCauseMessage("boom");
    StructuralDiffer nulls =
        StructuralDiffer.of(DiffOptions.custom().normalizer((id, body) -> null).build());
    assertThatThrownBy(() -> nulls.changes(ID, json("{}"), json("{}")))
        .hasMessageContaining("returned null")
        .hasMessageContaining("apps/Deployment shop/web");
  }

  @Test
  void secretValuesInReportsAreRedacted() {
    ResourceId secret = ResourceId.of("Secret", "shop", "db");
    DriftReport report =
        differ.diff(
            DesiredState.of("r1", List.of(desired(secret, "{'data':{'password':'bmV3'}}"))),
            LiveState.of(List.of(live(secret, "{'data':{'password':'b2xk'}}"))));
    Change change = report.drifts().get(0).changes().get(0);
    assertThat(change.path()).isEqualTo("/data/password");
    assertThat(change.oldValue().asText()).startsWith("<redacted:").doesNotContain("b2xk");
    assertThat(change.newValue().asText()).startsWith("<redacted:").doesNotContain("bmV3");
    assertThat(change.oldValue()).isNotEqualTo(change.newValue());
    assertThat(report.drifts().get(0).changes().toString())
        .doesNotContain("b2xk")
        .doesNotContain("bmV3");
  }

  @Test
  void inputsAreNotMutated() {
    JsonNode desired = json("{'c':[{'name':'b'},{'name':'a','x':null}],'s':{}}");
    JsonNode live = json("{'c':[{'name':'a'},{'name':'b'}],'status':1}");
    JsonNode desiredCopy = desired.deepCopy();
    JsonNode liveCopy = live.deepCopy();
    StructuralDiffer.of(
            DiffOptions.custom()
                .normalizer(Normalizers.removeFields("/status"))
                .normalizer(Normalizers.dropEmpty())
                .build())
        .changes(ID, desired, live);
    UnifiedDiff.ofDefaults()
        .render(
            Drift.modified(
                desired(ID, desired.toString()),
                new LiveResource(ID, live, null, true),
                List.of(Change.add("/x", json("1")))));
    assertThat(desired).isEqualTo(desiredCopy);
    assertThat(live).isEqualTo(liveCopy);
  }
}
