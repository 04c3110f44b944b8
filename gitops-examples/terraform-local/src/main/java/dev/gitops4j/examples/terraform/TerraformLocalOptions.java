package dev.gitops4j.examples.terraform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Command line of the example.
 *
 * @param tofu the OpenTofu (or Terraform) binary; empty for {@code tofu} on the PATH
 * @param cliConfig a CLI configuration file (provider mirror, plugin cache); empty for none
 * @param work folder for the Git repository, the working directory and the site; empty for a
 *     temporary one
 */
public record TerraformLocalOptions(
    Optional<Path> tofu, Optional<Path> cliConfig, Optional<Path> work) {

  static final String USAGE =
      """
      usage: terraform-local [--tofu PATH] [--cli-config FILE] [--work DIR]
        --tofu PATH        OpenTofu or Terraform 1.5+ binary (default: tofu on the PATH)
        --cli-config FILE  CLI configuration, e.g. a provider mirror (default: none)
        --work DIR         where the repository, working directory and site go (default: a temp dir)
      """;

  /** Parses {@code args}; a bad or unknown flag is an {@link IllegalArgumentException}. */
  public static TerraformLocalOptions parse(String... args) {
    Path tofu = null;
    Path cliConfig = null;
    Path work = null;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + flag);
      }
      Path value = Path.of(args[++i]);
      switch (flag) {
        case "--tofu" -> tofu = value;
        case "--cli-config" -> cliConfig = existing(value, "--cli-config");
        case "--work" -> work = value;
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    return new TerraformLocalOptions(
        Optional.ofNullable(tofu), Optional.ofNullable(cliConfig), Optional.ofNullable(work));
  }

  private static Path existing(Path file, String flag) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(flag + " " + file + ": no such file");
    }
    return file;
  }
}
