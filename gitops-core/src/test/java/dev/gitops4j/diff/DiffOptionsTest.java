package dev.gitops4j.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DiffOptionsTest {

  @Test
  void defaults() {
    DiffOptions options = DiffOptions.ofDefaults();
    assertThat(options.treatEmptyAsAbsent()).isTrue();
    assertThat(options.normalizers()).isEmpty();
    assertThat(options.ignoreRules()).isEmpty();
    assertThat(options.arrayKeys()).isEmpty();
    assertThat(options.defaultArrayKeys()).startsWith("name", "containerPort", "mountPath");
    assertThat(options.redactor()).isSameAs(SecretRedactor.kubernetesSecrets());
  }

  @Test
  void builtOptionsAreImmutableAndIndependentOfTheBuilder() {
    DiffOptions.Builder builder = DiffOptions.custom().arrayKey("/a", "k");
    DiffOptions first = builder.build();
    builder.arrayKey("/b", "k").ignore(IgnoreRule.of("/x"));
    assertThat(first.arrayKeys()).containsOnlyKeys("/a");
    assertThat(first.ignoreRules()).isEmpty();
    assertThatThrownBy(() -> first.arrayKeys().put("/c", "k"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(first.toBuilder().treatEmptyAsAbsent(false).build().arrayKeys())
        .containsEntry("/a", "k");
  }

  @Test
  void rejectsBadInputAtOnce() {
    assertThatThrownBy(() -> DiffOptions.custom().arrayKey("spec/containers", "name"))
        .hasMessageContaining("spec/containers")
        .hasMessageContaining("start with '/'");
    assertThatThrownBy(() -> DiffOptions.custom().arrayKey("/a~2b", "name"))
        .hasMessageContaining("/a~2b")
        .hasMessageContaining("~0");
    assertThatThrownBy(() -> DiffOptions.custom().arrayKey("/a", " "))
        .hasMessageContaining("blank");
    assertThatThrownBy(() -> DiffOptions.custom().arrayKey("/a", "x").arrayKey("/a", "y"))
        .hasMessageContaining("already set to 'x'");
    assertThatThrownBy(() -> DiffOptions.custom().defaultArrayKeys(List.of("name", "name")))
        .hasMessageContaining("repeat");
    assertThatThrownBy(() -> DiffOptions.custom().normalizer(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> DiffOptions.custom().redactor(null))
        .isInstanceOf(NullPointerException.class);
  }
}
