package dev.gitops4j.cli.internal;

import dev.gitops4j.cli.Main;
import dev.gitops4j.generate.Generator;
import dev.gitops4j.generate.GeneratorException;
import dev.gitops4j.generate.Parameters;
import dev.gitops4j.source.DirectorySource;
import dev.gitops4j.source.GitRef;
import dev.gitops4j.source.GitSource;
import dev.gitops4j.source.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints the parameter sets a Git generator makes of a repository or folder now: what an
 * application set would make applications of. Changes nothing.
 */
@Command(
    name = "generate",
    description = {
      "Preview a generator: the parameter sets of the folders or files of a Git repository or"
          + " a local folder that match a glob, one line each. Changes nothing.",
      "Exit code: 0 done, 1 error (a file that does not parse is named with its line)."
    })
final class GenerateCommand implements Callable<Integer> {

  private final Context ctx;

  @ArgGroup(multiplicity = "1")
  Where where;

  static final class Where {
    @Option(names = "--repo", paramLabel = "URL", description = "Git repository.")
    String repo;

    @Option(names = "--dir", paramLabel = "DIR", description = "A local folder instead.")
    Path dir;
  }

  @Option(names = "--ref", paramLabel = "BRANCH", description = "Branch (default main).")
  String ref = "main";

  @ArgGroup(multiplicity = "1")
  What what;

  static final class What {
    @Option(
        names = "--folders",
        paramLabel = "GLOB",
        description = "One set per matching folder, e.g. 'apps/*'.")
    String folders;

    @Option(
        names = "--files",
        paramLabel = "GLOB",
        description = "One set per document of each matching JSON/YAML file.")
    String files;
  }

  GenerateCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    Path cache = null;
    try {
      Source source;
      if (where.dir != null) {
        source = DirectorySource.of(where.dir);
      } else {
        cache = Files.createTempDirectory("gitops4j-generate");
        source = GitSource.builder(where.repo).ref(GitRef.branch(ref)).cacheDir(cache).build();
      }
      Generator generator =
          what.folders != null
              ? Generator.gitDirectories(source, what.folders)
              : Generator.gitFiles(source, what.files);
      List<Parameters> sets;
      try {
        sets = generator.generate();
      } catch (GeneratorException e) {
        throw new CliException(e.getMessage());
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
      for (Parameters set : sets) {
        StringBuilder line = new StringBuilder();
        set.values()
            .forEach(
                (key, value) ->
                    line.append(line.length() == 0 ? "" : " ")
                        .append(key)
                        .append('=')
                        .append(value));
        ctx.out().println(line);
      }
      ctx.out().flush();
      return Main.OK;
    } finally {
      if (cache != null) {
        deleteTree(cache);
      }
    }
  }

  private static void deleteTree(Path root) {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      // A temporary folder left behind is harmless.
    }
  }
}
