package dev.gitops4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
        .contains("4 to create, 0 to update, 0 to delete")
        .contains("drift: modified ConfigMap shop/settings")
        .contains("-  currency: USD")
        .contains("healed: currency is EUR again")
        .contains("update apps/Deployment shop/web -> applied")
        .contains("delete ConfigMap shop/promo -> applied")
        .contains("hash chain verified");
  }
}
