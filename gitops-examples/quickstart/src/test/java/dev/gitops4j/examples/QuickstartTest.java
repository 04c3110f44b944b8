package dev.gitops4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartTest {

  @Test
  void tellsTheWholeStory(@TempDir Path work) throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    new Quickstart(work, new PrintStream(buffer, true, StandardCharsets.UTF_8)).run();
    String output = buffer.toString(StandardCharsets.UTF_8);

    assertThat(output)
        .contains("4 to create, 1 to update, 0 to delete")
        .contains("drift: modified file localhost//etc/shop/app.conf [replace /sha256]")
        .contains("healed: currency is EUR again")
        .contains("| recommendations = off")
        .contains("delete file localhost//srv/shop/promo.html -> applied")
        .contains("rollback  pinned")
        .contains("hash chain verified: 6 records intact");
    // After the rollback the host holds the first revision again.
    assertThat(Files.readString(work.resolve("host/etc/shop/features.conf")))
        .contains("recommendations = on");
    assertThat(work.resolve("host/srv/shop/promo.html")).exists();
  }
}
