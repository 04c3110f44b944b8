package dev.gitops4j.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RelativePathsTest {

  @Test
  void aRelativeDirectoryIsResolvedAgainstTheCurrentDirectoryOnce() {
    TerraformTarget target =
        TerraformTarget.builder(Path.of("target/relative-paths/./shop"))
            .binary(Path.of("/bin/true"))
            .build();
    assertThat(target.workingDirectory())
        .isAbsolute()
        .startsWithRaw(Path.of("target/relative-paths/shop").toAbsolutePath());
  }
}
