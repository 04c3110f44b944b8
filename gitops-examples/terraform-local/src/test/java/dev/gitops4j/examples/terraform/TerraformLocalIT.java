package dev.gitops4j.examples.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.test.Testbed;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the example with the testbed's real OpenTofu and its CLI configuration (an offline provider
 * mirror holding the local provider), as a user would with {@code --tofu} and {@code --cli-config}.
 */
class TerraformLocalIT {

  @Test
  void reconcilesTheSiteWithOpenTofu(@TempDir Path dir) throws Exception {
    Testbed testbed = Testbed.get();
    Path work = dir.resolve("work");
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try {
      // The same arguments a user passes with -Dexec.args="...".
      TerraformLocalOptions options =
          TerraformLocalOptions.parse(
              "--tofu", testbed.tofu().toString(),
              "--cli-config", testbed.tofuCliConfig().toString(),
              "--work", work.toString());
      new TerraformLocal(options, new PrintStream(buffer, true, StandardCharsets.UTF_8)).run();
    } finally {
      // What a user would have seen, kept for reading.
      Files.writeString(
          Path.of("target", "terraform-local-story.txt"), buffer.toString(StandardCharsets.UTF_8));
    }
    String output = buffer.toString(StandardCharsets.UTF_8);

    assertThat(output)
        .contains("CLI: OpenTofu")
        .contains("5 to create, 0 to update, 0 to delete")
        .contains("create local_file index -> applied")
        .contains("| <h1>Hello from Git</h1>")
        .contains("drift: missing local_file index")
        .contains("drift: missing local_file robots")
        .contains("healed: index.html and robots.txt are as Git says again")
        .contains("| <h1>Hello again, from a commit</h1>")
        .contains("greeting = \"Hello again, from a commit\"")
        .contains("0 to create, 0 to update, 1 to delete")
        .contains("delete local_file promo -> applied");

    // The files on disk are what the last revision declares.
    Path site = work.resolve("site");
    assertThat(Files.readString(site.resolve("index.html")))
        .isEqualTo("<h1>Hello again, from a commit</h1>\n");
    assertThat(Files.readString(site.resolve("robots.txt"))).contains("Disallow: /drafts/");
    assertThat(site.resolve("promo.txt")).doesNotExist();
    // OpenTofu's own state agrees: promo is gone from it, index and robots are in it.
    String state = Files.readString(work.resolve("tofu/work/terraform.tfstate"));
    assertThat(state).contains("\"name\": \"index\"").contains("\"name\": \"robots\"");
    assertThat(state).doesNotContain("\"name\": \"promo\"");
  }
}
