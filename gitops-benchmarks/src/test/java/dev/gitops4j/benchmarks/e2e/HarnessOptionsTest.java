package dev.gitops4j.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HarnessOptionsTest {

  @Test
  void terraformOnlyIsAFlagAndTheTerraformTrialsAreOptions() throws Exception {
    Harness.Options options =
        Harness.Options.parse(
            "--tf-resources", "100", "--terraform-only", "--tf-sync-trials", "5", "--work", "/tmp");

    assertThat(options.terraformOnly()).isTrue();
    assertThat(options.tfResources()).isEqualTo(100);
    assertThat(options.tfSyncTrials()).isEqualTo(5);
    assertThat(options.tfPlanTrials()).isEqualTo(7);
  }

  @Test
  void defaultsMeasureEverything() throws Exception {
    Harness.Options options = Harness.Options.parse("--work", "/tmp");

    assertThat(options.terraformOnly()).isFalse();
    assertThat(options.tfSyncTrials()).isEqualTo(3);
  }

  @Test
  void zeroTerraformTrialsAreRefused() {
    assertThatThrownBy(() -> Harness.Options.parse("--tf-sync-trials", "0", "--work", "/tmp"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Terraform trials");
  }
}
