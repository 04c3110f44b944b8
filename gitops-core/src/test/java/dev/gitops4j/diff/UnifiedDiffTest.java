package dev.gitops4j.diff;

import static dev.gitops4j.diff.Json.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

class UnifiedDiffTest {

  private static final ResourceId WEB = ResourceId.of("apps/Deployment", "shop", "web");
  private static final ResourceId SECRET = ResourceId.of("Secret", "shop", "db");

  private static DesiredResource desired(ResourceId id, String yaml) {
    return new DesiredResource(id, yaml(yaml), Origin.of("app.yaml", 1), "r1");
  }

  private static LiveResource live(ResourceId id, String yaml) {
    return new LiveResource(id, yaml(yaml), "1", true);
  }

  private static DriftReport report(
      List<DesiredResource> desired, List<LiveResource> live, DiffOptions options) {
    return StructuralDiffer.of(options).diff(DesiredState.of("r1", desired), LiveState.of(live));
  }

  @Test
  void rendersModifiedResourceWithHeadersAndHunks() {
    DiffOptions options =
        DiffOptions.custom().normalizer(Normalizers.removeFields("/status")).build();
    DriftReport report =
        report(
            List.of(desired(WEB, "spec:\n  replicas: 2\n  image: web:2\n")),
            List.of(live(WEB, "spec:\n  replicas: 2\n  image: web:1\nstatus:\n  ready: 1\n")),
            options);

    String text = UnifiedDiff.custom().options(options).build().render(report);

    assertThat(text)
        .isEqualTo(
            """
            --- live/apps/Deployment shop/web
            +++ desired/apps/Deployment shop/web
            @@ -1,3 +1,3 @@
             spec:
               replicas: 2
            -  image: web:1
            +  image: web:2
            """);
  }

  @Test
  void missingAndExtraneousUseDevNull() {
    ResourceId old = ResourceId.of("Service", "shop", "old");
    DriftReport report =
        report(
            List.of(desired(WEB, "a: 1\n")),
            List.of(live(old, "b: 2\n")),
            DiffOptions.ofDefaults());

    String text = UnifiedDiff.ofDefaults().render(report);

    assertThat(text)
        .isEqualTo(
            """
            --- /dev/null
            +++ desired/apps/Deployment shop/web
            @@ -0,0 +1,1 @@
            +a: 1
            --- live/Service shop/old
            +++ /dev/null
            @@ -1,1 +0,0 @@
            -b: 2
            """);
  }

  @Test
  void inSyncRendersNothingAndReorderedKeyedArraysAreAligned() {
    String desiredYaml = "c:\n- name: a\n  v: 1\n- name: b\n  v: 2\n";
    String liveYaml = "c:\n- name: b\n  v: 3\n- name: a\n  v: 1\n";
    DriftReport report =
        report(
            List.of(desired(WEB, desiredYaml)),
            List.of(live(WEB, liveYaml)),
            DiffOptions.ofDefaults());
    String text = UnifiedDiff.custom().contextLines(0).build().render(report);
    assertThat(text).contains("-  v: 3\n+  v: 2\n").doesNotContain("name: a");

    DriftReport same =
        report(
            List.of(desired(WEB, desiredYaml)),
            List.of(live(WEB, "c:\n- name: b\n  v: 2\n- name: a\n  v: 1\n")),
            DiffOptions.ofDefaults());
    assertThat(UnifiedDiff.ofDefaults().render(same)).isEmpty();
  }

  @Test
  void sortedKeysAreOptional() {
    DriftReport report =
        report(
            List.of(desired(WEB, "z: 1\na: 2\n")),
            List.of(live(WEB, "z: 1\na: 3\n")),
            DiffOptions.ofDefaults());
    assertThat(UnifiedDiff.custom().sortKeys(true).build().render(report))
        .contains("-a: 3\n+a: 2\n z: 1\n");
    assertThat(UnifiedDiff.ofDefaults().render(report)).contains(" z: 1\n-a: 3\n+a: 2\n");
  }

  @Test
  void emptyValuesAreHiddenWhenTheyCountAsAbsent() {
    DriftReport report =
        report(
            List.of(desired(WEB, "a: {}\nb: 1\n")),
            List.of(live(WEB, "b: 2\n")),
            DiffOptions.ofDefaults());
    assertThat(UnifiedDiff.ofDefaults().render(report)).doesNotContain("a:");
  }

  @Test
  void secretValuesNeverAppear() {
    String desiredYaml =
        """
        metadata:
          name: db
        data:
          password: c3VwZXItc2VjcmV0LW5ldw==
          username: YWRtaW4=
        stringData:
          apiKey: sk-live-NEWKEY123
        """;
    String liveYaml =
        """
        metadata:
          name: db
          annotations:
            kubectl.kubernetes.io/last-applied-configuration: '{"stringData":{"apiKey":"sk-live-OLDKEY999"}}'
        data:
          password: c3VwZXItc2VjcmV0LW9sZA==
          username: YWRtaW4=
        stringData:
          apiKey: sk-live-OLDKEY999
        """;
    List<String> secrets =
        List.of(
            "c3VwZXItc2VjcmV0LW5ldw==",
            "c3VwZXItc2VjcmV0LW9sZA==",
            "YWRtaW4=",
            "sk-live-NEWKEY123",
            "sk-live-OLDKEY999",
            "NEWKEY",
            "OLDKEY");
    ResourceId missingSecret = ResourceId.of("Secret", "shop", "new");
    ResourceId extraSecret = ResourceId.of("Secret", "shop", "gone");
    DriftReport report =
        report(
            List.of(desired(SECRET, desiredYaml), desired(missingSecret, desiredYaml)),
            List.of(live(SECRET, liveYaml), live(extraSecret, liveYaml)),
            DiffOptions.ofDefaults());

    String text = UnifiedDiff.ofDefaults().render(report);
    String changes = report.drifts().get(0).changes().toString();

    assertThat(report.count(Drift.Status.MODIFIED)).isEqualTo(1);
    assertThat(text).contains("+  password: <redacted:").contains("-  password: <redacted:");
    assertThat(text).contains("<redacted:", "--- /dev/null", "+++ /dev/null");
    for (String secret : secrets) {
      assertThat(text).doesNotContain(secret);
      assertThat(changes).doesNotContain(secret);
    }
  }

  @Test
  void rejectsNegativeContext() {
    assertThatThrownBy(() -> UnifiedDiff.custom().contextLines(-1)).hasMessageContaining("-1");
  }
}
