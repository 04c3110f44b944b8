package dev.gitops4j.k8s.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.k8s.Substitution;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.render.Manifest;
import dev.gitops4j.render.ManifestDecoder;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SubstitutorTest {

  private static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web-${env}
      spec:
        replicas: ${replicas}
        template:
          spec:
            containers:
              - name: web
                image: "registry/web:${tag:=latest}"
                args: ["--literal=$${HOME}", "--region=${region:=eu-west-1}"]
      """;

  private static List<JsonNode> substitute(Substitution substitution, String... files)
      throws Exception {
    List<SourceFile> sources = new java.util.ArrayList<>();
    for (int i = 0; i < files.length; i++) {
      sources.add(SourceFile.of("f" + i + ".yaml", files[i]));
    }
    Snapshot out = Substitutor.apply(substitution, new Snapshot("r", null, sources));
    List<JsonNode> bodies = new java.util.ArrayList<>();
    for (SourceFile file : out.files()) {
      ManifestDecoder.ofDefaults().decode(file).stream().map(Manifest::body).forEach(bodies::add);
    }
    return bodies;
  }

  @Test
  void variablesDefaultsAndEscapes() throws Exception {
    JsonNode body =
        substitute(
                Substitution.of(Map.of("env", "prod", "replicas", "3", "region", "us-east-1")),
                DEPLOYMENT)
            .get(0);
    assertThat(body.at("/metadata/name").asText()).isEqualTo("web-prod");
    // Substituted in the text, so the value is a number as if written so.
    assertThat(body.at("/spec/replicas").isInt()).isTrue();
    assertThat(body.at("/spec/replicas").asInt()).isEqualTo(3);
    JsonNode container = body.at("/spec/template/spec/containers/0");
    assertThat(container.at("/image").asText()).isEqualTo("registry/web:latest");
    assertThat(container.at("/args/0").asText()).isEqualTo("--literal=${HOME}");
    assertThat(container.at("/args/1").asText()).isEqualTo("--region=us-east-1");
  }

  @Test
  void strictModeNamesFileLineAndVariable() {
    assertThatThrownBy(() -> substitute(Substitution.of(Map.of("env", "prod")), DEPLOYMENT))
        .isInstanceOf(InvalidDesiredStateException.class)
        .hasMessageContaining("f0.yaml:6:")
        .hasMessageContaining("variable replicas is not defined");
  }

  @Test
  void lenientModeSubstitutesTheEmptyString() throws Exception {
    JsonNode body =
        substitute(
                Substitution.custom().variables(Map.of("replicas", "2")).strict(false).build(),
                DEPLOYMENT)
            .get(0);
    assertThat(body.at("/metadata/name").asText()).isEqualTo("web-");
  }

  @Test
  void optOutAnnotationsLeaveTheirObjectAlone() throws Exception {
    String two =
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: script
          annotations:
            kustomize.toolkit.fluxcd.io/substitute: disabled
        data:
          run.sh: echo ${UNDEFINED_IN_SHELL}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: own
          annotations:
            gitops4j.dev/substitute: disabled
        data:
          x: ${ALSO_UNDEFINED}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: substituted
        data:
          x: ${env}
        """;
    List<JsonNode> bodies = substitute(Substitution.of(Map.of("env", "prod")), two);
    assertThat(bodies.get(0).at("/data/run.sh").asText()).isEqualTo("echo ${UNDEFINED_IN_SHELL}");
    assertThat(bodies.get(1).at("/data/x").asText()).isEqualTo("${ALSO_UNDEFINED}");
    assertThat(bodies.get(2).at("/data/x").asText()).isEqualTo("prod");
  }

  @Test
  void commentLinesAndDollarWithoutBracesStay() throws Exception {
    String text =
        "# uses ${nothing}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n"
            + "  home: $HOME\n";
    JsonNode body = substitute(Substitution.of(Map.of()), text).get(0);
    assertThat(body.at("/data/home").asText()).isEqualTo("$HOME");
  }

  @Test
  void supplierIsReadAtEveryRenderAndWinsOverEarlierSources() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Map<String, String> live = new HashMap<>(Map.of("env", "staging"));
    Substitution substitution =
        Substitution.custom()
            .variables(Map.of("env", "prod", "replicas", "1"))
            .variables(
                () -> {
                  calls.incrementAndGet();
                  return live;
                })
            .build();
    assertThat(substitute(substitution, DEPLOYMENT).get(0).at("/metadata/name").asText())
        .isEqualTo("web-staging");
    live.put("env", "canary");
    assertThat(substitute(substitution, DEPLOYMENT).get(0).at("/metadata/name").asText())
        .isEqualTo("web-canary");
    assertThat(calls).hasValue(2);
  }

  @Test
  void failingSourceIsARetryableTargetErrorNotABadRevision() {
    Substitution broken =
        Substitution.custom()
            .variables(
                () -> {
                  throw new java.io.UncheckedIOException(new java.io.IOException("store down"));
                })
            .build();
    assertThatThrownBy(() -> substitute(broken, DEPLOYMENT))
        .isInstanceOf(dev.gitops4j.model.TargetException.class)
        .hasMessageContaining("substitution variables unavailable")
        .satisfies(
            e -> assertThat(((dev.gitops4j.model.TargetException) e).isRetryable()).isTrue());
  }

  @Test
  void filesWithoutVariablesAreHandedOnUntouched() throws Exception {
    SourceFile plain =
        SourceFile.of("p.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p\n");
    Snapshot snapshot = new Snapshot("r", null, List.of(plain));
    assertThat(Substitutor.apply(Substitution.of(Map.of()), snapshot)).isSameAs(snapshot);
  }

  @Test
  void malformedReferencesAreProblems() {
    String text =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: ${not valid}\n";
    assertThatThrownBy(() -> substitute(Substitution.of(Map.of()), text))
        .hasMessageContaining("f0.yaml:6:")
        .hasMessageContaining("invalid variable reference");
    String open = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: ${open\n";
    assertThatThrownBy(() -> substitute(Substitution.of(Map.of()), open))
        .hasMessageContaining("unterminated");
  }

  @Test
  void valuesNeverAppearInMessages() {
    String text =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${secret}\ndata:\n  a: ${missing}\n";
    assertThatThrownBy(() -> substitute(Substitution.of(Map.of("secret", "s3cr3t-value")), text))
        .hasMessageNotContaining("s3cr3t-value");
  }

  @Test
  void invalidNamesAreRefusedWhenConfigured() {
    assertThatThrownBy(() -> Substitution.of(Map.of("not-valid", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not-valid");
  }

  @Test
  void theFingerprintNamesTheVariablesAndChangesWithAValueButNeverShowsIt() {
    String before = Substitutor.fingerprint(Map.of("endpoint", "db-1.internal", "port", "5432"));
    String same =
        Substitutor.fingerprint(new HashMap<>(Map.of("port", "5432", "endpoint", "db-1.internal")));
    String after = Substitutor.fingerprint(Map.of("endpoint", "db-2.internal", "port", "5432"));

    assertThat(before).isEqualTo(same).startsWith("variables endpoint,port hmac:");
    assertThat(after).isNotEqualTo(before);
    assertThat(before + after).doesNotContain("db-1", "db-2", "5432");
  }
}
