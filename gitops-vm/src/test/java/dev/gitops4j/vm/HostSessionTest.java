package dev.gitops4j.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassContext;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.model.Wave;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import dev.gitops4j.sync.ApplyOptions;
import dev.gitops4j.test.ManualClock;
import dev.gitops4j.vm.internal.LocalTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pass session of a host: it takes the host's connection, needs nothing done before it, and
 * leaves the connection open for the next pass unless an operation failed on it.
 */
class HostSessionTest {

  @TempDir Path tmp;

  private VmTarget counted(CountingTransport.Calls calls) {
    return VmTarget.builder("local")
        .rootDirectory(tmp.resolve("root"))
        .allowedRoot("/")
        .stateDirectory("/.gitops4j")
        .transport(host -> calls.wrap(new LocalTransport(host.name())))
        .build();
  }

  @Test
  void aSessionOpensItsConnectionWithoutAnInventoryLoadAndKeepsIt() throws Exception {
    CountingTransport.Calls calls = new CountingTransport.Calls();
    try (VmTarget vm = counted(calls)) {
      Target target = vm.target("localhost");
      DesiredState desired =
          target
              .renderer()
              .render(
                  new Snapshot(
                      "rev1",
                      null,
                      List.of(
                          SourceFile.of(
                              "a.yaml", "resources:\n  - file: /etc/a.conf\n    content: a\n"))));
      PassContext pass = new PassContext("direct", "rev1", Inventory.empty());

      TargetSession session = target.sessions().open(pass);
      assertThat(calls.opened()).as("opening the session connects").isEqualTo(1);
      LiveState live = session.observe(desired, Inventory.empty());
      Step create =
          new Step(
              Step.Action.CREATE,
              desired.resources().keySet().iterator().next(),
              desired.resources().values().iterator().next(),
              null,
              List.of());
      assertThat(live.resources()).isEmpty();
      ApplyOptions options = new ApplyOptions(false, false);
      session.validate(new Plan("rev1", List.of(new Wave(0, List.of(create))), List.of()), options);
      assertThat(session.apply(create, options)).startsWith("wrote 1 bytes to /etc/a.conf");
      assertThat(calls.opened()).as("one connection for the whole session").isEqualTo(1);
      session.close();
      assertThat(calls.closed()).as("closing the session keeps the connection").isZero();
      assertThat(Files.readString(tmp.resolve("root/etc/a.conf"))).isEqualTo("a");

      try (TargetSession next = target.sessions().open(pass)) {
        assertThat(next.observe(desired, Inventory.empty()).resources()).hasSize(1);
      }
      assertThat(calls.opened()).as("the next session goes on with it").isEqualTo(1);
      assertThat(calls.closed()).isZero();
    }
    assertThat(calls.closed()).as("closing the target closes it").isEqualTo(1);
  }

  @Test
  void aConnectionThatFailedInAPassIsClosedAndTheNextPassConnectsAfresh() throws Exception {
    CountingTransport.Calls calls = new CountingTransport.Calls();
    try (VmTarget vm = counted(calls)) {
      Target target = vm.target("localhost");
      PassContext pass = new PassContext("direct", "rev1", Inventory.empty());
      DesiredState desired =
          target
              .renderer()
              .render(
                  new Snapshot(
                      "rev1",
                      null,
                      List.of(
                          SourceFile.of(
                              "a.yaml", "resources:\n  - file: /etc/a.conf\n    content: a\n"))));
      // A directory where the state file belongs makes reading the host's state fail.
      Files.createDirectories(tmp.resolve("root/.gitops4j/local@localhost.json/x"));
      try (TargetSession session = target.sessions().open(pass)) {
        assertThatThrownBy(() -> session.observe(desired, Inventory.empty()))
            .isInstanceOf(TargetException.class)
            .hasMessageContaining("cannot observe host localhost");
      }
      assertThat(calls.closed()).as("a failed pass closes its connection").isEqualTo(1);
      Files.delete(tmp.resolve("root/.gitops4j/local@localhost.json/x"));
      Files.delete(tmp.resolve("root/.gitops4j/local@localhost.json"));
      try (TargetSession next = target.sessions().open(pass)) {
        assertThat(next.observe(desired, Inventory.empty()).resources()).isEmpty();
        assertThat(calls.opened()).as("the next pass connects afresh").isEqualTo(2);
      }
      assertThat(calls.closed()).isEqualTo(1);
    }
  }

  @Test
  void passesShareOneConnectionUntilTheTargetCloses() throws Exception {
    CountingTransport.Calls calls = new CountingTransport.Calls();
    InMemorySource source = InMemorySource.create("conf", ManualClock.create());
    source.commit(Map.of("a.yaml", "resources:\n  - file: /etc/a.conf\n    content: a\n"));
    try (VmTarget vm = counted(calls);
        Engine engine =
            Engine.builder()
                .passExecutor(Runnable::run)
                .application(
                    Application.builder("agent")
                        .source(source)
                        .target(vm.target("localhost"))
                        .policy(SyncPolicy.automatic())
                        .build())
                .build()) {
      PassResult first = engine.trigger("agent").get(30, TimeUnit.SECONDS);
      assertThat(first.status()).as(first.error()).isEqualTo(PassStatus.SYNCED);
      assertThat(calls.opened()).isEqualTo(1);
      assertThat(calls.closed()).isZero();

      PassResult second = engine.trigger("agent").get(30, TimeUnit.SECONDS);
      assertThat(second.status()).isEqualTo(PassStatus.IN_SYNC);
      assertThat(calls.opened()).isEqualTo(1);
      assertThat(calls.closed()).isZero();
    }
    assertThat(calls.closed()).isEqualTo(1);
  }
}
