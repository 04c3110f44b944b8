package dev.gitops4j.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestRendererTest {

  private static final String REVISION = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

  private static Snapshot goodApp() {
    return new Snapshot(
        REVISION, null, TestFolders.files(TestFolders.resource("render/good/app"), ""));
  }

  @Test
  void rendersEveryManifestFileInPathAndDocumentOrder() throws Exception {
    DesiredState state = ManifestRenderer.ofDefaults().render(goodApp());

    assertThat(state.revision()).isEqualTo(REVISION);
    assertThat(state.resources().keySet())
        .containsExactly(
            ResourceId.of("ConfigMap", "shop", "settings"),
            ResourceId.of("Namespace", "shop"),
            ResourceId.of("apps/Deployment", "shop", "web"),
            ResourceId.of("Service", "shop", "web"));
    assertThat(state.resources().values())
        .extracting(DesiredResource::revision)
        .containsOnly(REVISION);
    assertThat(state.resources().values())
        .extracting(r -> r.origin().toString())
        .containsExactly(
            "config/settings.yml:1:1",
            "namespace.json:1:1",
            "workloads.yaml:3:1",
            "workloads.yaml:20:1");
  }

  @Test
  void bodiesCarryExpandedAliasesAndYaml12Strings() throws Exception {
    DesiredState state = ManifestRenderer.ofDefaults().render(goodApp());

    JsonNode deployment =
        state.get(ResourceId.of("apps/Deployment", "shop", "web")).orElseThrow().body();
    assertThat(deployment.at("/spec/template/metadata/labels").toString())
        .isEqualTo("{\"app\":\"web\",\"tier\":\"override\"}");
    JsonNode service = state.get(ResourceId.of("Service", "shop", "web")).orElseThrow().body();
    assertThat(service.at("/spec/selector").toString())
        .isEqualTo("{\"app\":\"web\",\"tier\":\"front\"}");
    JsonNode settings =
        state.get(ResourceId.of("ConfigMap", "shop", "settings")).orElseThrow().body();
    assertThat(settings.at("/data/enabled").textValue()).isEqualTo("yes");
    assertThat(settings.at("/data/country").textValue()).isEqualTo("NO");
    assertThat(settings.at("/data/mode").textValue()).isEqualTo("0644");
  }

  @Test
  void includeAndExcludeGlobsSelectFiles() throws Exception {
    ManifestRenderer onlyConfig = ManifestRenderer.custom().include("config/**").build();
    ManifestRenderer notWorkloads = ManifestRenderer.custom().exclude("workloads.yaml").build();

    assertThat(onlyConfig.render(goodApp()).resources().keySet())
        .containsExactly(ResourceId.of("ConfigMap", "shop", "settings"));
    assertThat(notWorkloads.render(goodApp()).resources().keySet())
        .containsExactly(
            ResourceId.of("ConfigMap", "shop", "settings"), ResourceId.of("Namespace", "shop"));
  }

  @Test
  void ignoresFilesThatAreNotManifests() throws Exception {
    Snapshot snapshot =
        new Snapshot(
            REVISION,
            null,
            List.of(
                SourceFile.of("README.md", "- not: [yaml"),
                SourceFile.of("Chart.lock", "{{ broken"),
                SourceFile.of(
                    "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")));

    assertThat(ManifestRenderer.ofDefaults().render(snapshot).size()).isEqualTo(1);
  }

  @Test
  void anEmptySnapshotRendersAnEmptyState() throws Exception {
    DesiredState state =
        ManifestRenderer.ofDefaults()
            .render(new Snapshot(REVISION, null, List.of(SourceFile.of("empty.yaml", "---\n"))));

    assertThat(state.isEmpty()).isTrue();
    assertThat(state.revision()).isEqualTo(REVISION);
  }

  @Test
  void reportsEveryProblemOfEveryFileInOneException() {
    Snapshot snapshot =
        new Snapshot(
            REVISION,
            null,
            List.of(
                SourceFile.of(
                    "a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x]\n"),
                SourceFile.of("b.yaml", "kind: ConfigMap\n"),
                SourceFile.of("c.json", "{\"broken\": }"),
                SourceFile.of(
                    "d.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n")));

    InvalidDesiredStateException e =
        catchThrowableOfType(
            InvalidDesiredStateException.class,
            () -> ManifestRenderer.ofDefaults().render(snapshot));

    assertThat(e.problems())
        .extracting(p -> p.origin().file() + ":" + p.origin().line())
        .containsExactly("a.yaml:4", "b.yaml:1", "c.json:1");
    assertThat(e.getMessage()).startsWith("3 problems:");
  }

  @Test
  void usesACustomIdentityResolverAndLocatesItsField() {
    IdentityResolver byId =
        manifest -> {
          JsonNode id = manifest.at("/spec/id");
          if (!id.isTextual()) {
            throw new IdentityResolver.UnresolvableException("/spec/id", "spec.id must be text");
          }
          return ResourceId.of("thing", id.textValue());
        };
    ManifestRenderer renderer = ManifestRenderer.custom().identityResolver(byId).build();
    Snapshot snapshot =
        new Snapshot(
            REVISION,
            null,
            List.of(
                SourceFile.of("one.yaml", "spec:\n  id: first\n"),
                SourceFile.of("two.yaml", "spec:\n  other: 1\n  id: 7\n")));

    InvalidDesiredStateException e =
        catchThrowableOfType(InvalidDesiredStateException.class, () -> renderer.render(snapshot));

    assertThat(e.problems())
        .containsExactly(new Problem(new Origin("two.yaml", 3, 3), "spec.id must be text"));
  }

  @Test
  void aFailingResolverBecomesAProblemInsteadOfEscaping() {
    IdentityResolver broken =
        manifest -> {
          throw new IllegalStateException("resolver bug with value s3cr3t");
        };
    ManifestRenderer renderer = ManifestRenderer.custom().identityResolver(broken).build();
    IdentityResolver nothing = manifest -> null;
    Snapshot snapshot = new Snapshot(REVISION, null, List.of(SourceFile.of("x.yaml", "\na: 1\n")));

    InvalidDesiredStateException e =
        catchThrowableOfType(InvalidDesiredStateException.class, () -> renderer.render(snapshot));
    InvalidDesiredStateException none =
        catchThrowableOfType(
            InvalidDesiredStateException.class,
            () -> ManifestRenderer.custom().identityResolver(nothing).build().render(snapshot));

    assertThat(e.getMessage())
        .isEqualTo("x.yaml:2:1: the identity resolver failed: IllegalStateException")
        .doesNotContain("s3cr3t");
    assertThat(none.getMessage())
        .isEqualTo("x.yaml:2:1: the identity resolver returned no identity");
  }

  @Test
  void kubernetesIdentities() throws Exception {
    IdentityResolver k8s = IdentityResolver.kubernetesStyle();
    ManifestDecoder decoder = ManifestDecoder.ofDefaults();

    assertThat(
            k8s.resolve(
                body(
                    decoder,
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ns}")))
        .isEqualTo(ResourceId.of("ConfigMap", "ns", "a"));
    assertThat(
            k8s.resolve(
                body(decoder, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}")))
        .isEqualTo(ResourceId.of("apps/Deployment", "web"));
    assertThat(
            k8s.resolve(
                body(
                    decoder,
                    "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
                        + "metadata: {name: r, namespace: \"\"}")))
        .isEqualTo(ResourceId.of("rbac.authorization.k8s.io/ClusterRole", "r"));
    assertThatThrownBy(
            () ->
                k8s.resolve(
                    body(decoder, "apiVersion: v1\nkind: Pod\nmetadata: {generateName: web-}")))
        .isInstanceOf(IdentityResolver.UnresolvableException.class)
        .hasMessageContaining("metadata.generateName is not supported")
        .extracting(t -> ((IdentityResolver.UnresolvableException) t).pointer())
        .isEqualTo("/metadata");
    assertThatThrownBy(
            () -> k8s.resolve(body(decoder, "apiVersion: v1\nkind: 5\nmetadata: {name: a}")))
        .hasMessage("kind must be a string, got a number");
    assertThatThrownBy(() -> k8s.resolve(body(decoder, "apiVersion: v1\nkind: Pod\nmetadata: [a]")))
        .hasMessage("metadata must be a mapping, got a list");
  }

  @Test
  void builderFailsFast() {
    assertThatThrownBy(() -> ManifestRenderer.custom().include(" "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ManifestRenderer.custom().identityResolver(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ManifestRenderer.custom().exclude("{unclosed"))
        .isInstanceOf(RuntimeException.class);
  }

  private static JsonNode body(ManifestDecoder decoder, String yaml) throws Exception {
    return decoder.decode(SourceFile.of("k.yaml", yaml)).get(0).body();
  }
}
