package dev.gitops4j.terraform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.engine.PassContext;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.TargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How targets are handed out and sessions opened; no CLI runs here. */
class TerraformTargetTest {

  @TempDir Path dir;

  private TerraformTarget newTarget() {
    return TerraformTarget.builder(dir.resolve("tf")).binary(Path.of("/bin/true")).build();
  }

  private static PassContext pass(String application) {
    return new PassContext(application, "r1", Inventory.empty());
  }

  @Test
  void oneTargetServesOneApplication() throws Exception {
    try (TerraformTarget terraform = newTarget()) {
      Target network = terraform.target("network");
      assertThat(terraform.target("network")).isSameAs(network);
      assertThatThrownBy(() -> terraform.target("dns"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("serves application network")
          .hasMessageContaining("give dns its own target");

      try (TargetSession session = network.sessions().open(pass("network"))) {
        assertThat(session).isNotNull();
      }
      assertThatThrownBy(() -> network.sessions().open(pass("dns")))
          .isInstanceOfSatisfying(TargetException.class, e -> assertThat(e.isRetryable()).isFalse())
          .hasMessageContaining("serves application network");
    }
  }

  @Test
  void aClosedTargetOpensNoMoreSessionsAndLeavesNoPlanFiles() throws Exception {
    TerraformTarget terraform = newTarget();
    Target target = terraform.target("network");
    Path plans = Files.createDirectories(dir.resolve("tf/plans"));
    Files.writeString(plans.resolve("plan-7.tfplan"), "left over by a crash");

    terraform.close();
    terraform.close();

    assertThat(plans).isEmptyDirectory();
    assertThatThrownBy(() -> target.sessions().open(pass("network")))
        .isInstanceOfSatisfying(TargetException.class, e -> assertThat(e.isRetryable()).isFalse())
        .hasMessageContaining("is closed");
  }

  @Test
  void aSessionDiffsOnlyWhatItObserved() throws Exception {
    try (TerraformTarget terraform = newTarget();
        TargetSession session = terraform.target("network").sessions().open(pass("network"))) {
      assertThatThrownBy(() -> session.diff(DesiredState.of("r1", List.of()), LiveState.empty()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("observe first");
    }
  }
}
