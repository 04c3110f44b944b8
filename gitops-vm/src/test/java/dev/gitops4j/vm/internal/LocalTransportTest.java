package dev.gitops4j.vm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.vm.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTransportTest {

  @TempDir Path dir;

  private static byte[] big(char c) {
    return String.valueOf(c).repeat(300 * 1024).getBytes();
  }

  @Test
  void writeFailingMidWayLeavesTheOldFileAndNoTemporary() throws Exception {
    Path file = Files.writeString(dir.resolve("app.conf"), "old");
    LocalTransport transport =
        new LocalTransport(
            "h",
            new LocalTransport.Faults() {
              @Override
              public void afterWrite(Path temporary, int written) throws IOException {
                if (written >= 128 * 1024) {
                  throw new IOException("disk full");
                }
              }
            });
    assertThatThrownBy(() -> transport.writeAtomically(file.toString(), big('x'), 0644, null, null))
        .hasMessage("disk full");
    assertThat(Files.readString(file)).isEqualTo("old");
    try (var entries = Files.list(dir)) {
      assertThat(entries).containsExactly(file);
    }
  }

  @Test
  void renameFailingLeavesTheOldFileAndNoTemporary() throws Exception {
    Path file = Files.writeString(dir.resolve("app.conf"), "old");
    LocalTransport transport =
        new LocalTransport(
            "h",
            new LocalTransport.Faults() {
              @Override
              public void beforeRename(Path temporary, Path target) throws IOException {
                assertThat(Files.readAllBytes(temporary)).hasSize(300 * 1024);
                assertThat(temporary.getParent()).isEqualTo(target.getParent());
                throw new IOException("rename refused");
              }
            });
    assertThatThrownBy(() -> transport.writeAtomically(file.toString(), big('y'), 0600, null, null))
        .hasMessage("rename refused");
    assertThat(Files.readString(file)).isEqualTo("old");
    try (var entries = Files.list(dir)) {
      assertThat(entries).containsExactly(file);
    }
  }

  @Test
  void writeReplacesContentModeAndASymlinkAtThePath() throws Exception {
    Path outside = Files.writeString(dir.resolve("outside"), "keep");
    Path link = Files.createSymbolicLink(dir.resolve("app.conf"), outside);
    LocalTransport transport = new LocalTransport("h");
    transport.writeAtomically(link.toString(), "new".getBytes(), 0640, null, null);
    assertThat(Files.isSymbolicLink(link)).isFalse();
    assertThat(Files.readString(link)).isEqualTo("new");
    assertThat(Files.readString(outside)).as("never written through a link").isEqualTo("keep");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(link)))
        .isEqualTo("rw-r-----");
    List<Optional<Transport.Stat>> stats =
        transport.stat(List.of(link.toString(), dir.resolve("missing").toString()));
    assertThat(stats.get(0).orElseThrow().sha256())
        .isEqualTo("11507a0e2f5e69d5dfa40a62a1bd7b6ee57e6bcd85c67c9b8431b36fff21c437");
    assertThat(stats.get(0).orElseThrow().mode()).isEqualTo("0640");
    assertThat(stats.get(1)).isEmpty();
  }

  @Test
  void realPathResolvesSymlinkedParentsOfMissingPaths() throws Exception {
    Path real = Files.createDirectories(dir.resolve("real"));
    Files.createSymbolicLink(dir.resolve("link"), real);
    assertThat(new LocalTransport("h").realPath(dir.resolve("link/a/b").toString()))
        .isEqualTo(real.toRealPath().resolve("a/b").toString());
  }

  @Test
  void execIsBoundedByItsTimeout() {
    assertThatThrownBy(() -> new LocalTransport("h").exec("sleep 30", Duration.ofMillis(200)))
        .hasMessageContaining("timed out");
  }
}
