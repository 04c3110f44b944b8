package dev.gitops4j.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.model.Problem;
import dev.gitops4j.source.DirectorySource;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.Source;
import dev.gitops4j.source.SourceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorsTest {

  private final InMemorySource repo = InMemorySource.create();

  @Test
  void aListGivesItsSetsAsWritten() throws Exception {
    Generator list =
        Generator.list(List.of(Map.of("env", "dev"), Map.of("env", "prod", "replicas", "3")));
    assertThat(list.generate())
        .containsExactly(
            Parameters.of("env", "dev"), Parameters.of("env", "prod", "replicas", "3"));
  }

  @Test
  void gitDirectoriesMatchFoldersOneLevelWithStarAndAllLevelsWithTwoStars() throws Exception {
    repo.commit(
        Map.of(
            "apps/web/deployment.yaml", "kind: x",
            "apps/api/deployment.yaml", "kind: x",
            "apps/api/extra/more.yaml", "kind: x",
            "infra/ingress/x.yaml", "kind: x",
            "README.md", "hello"));
    assertThat(Generator.gitDirectories(repo, "apps/*").generate())
        .containsExactly(
            Parameters.of("path", "apps/api", "path.basename", "api"),
            Parameters.of("path", "apps/web", "path.basename", "web"));
    assertThat(Generator.gitDirectories(repo, "apps/**").generate())
        .extracting(p -> p.get("path"))
        .containsExactly("apps/api", "apps/api/extra", "apps/web");
  }

  @Test
  void gitDirectoriesFollowNewCommitsAndReadEachRevisionOnce() throws Exception {
    repo.commit(Map.of("apps/web/a.yaml", "kind: x"));
    CountingSource counting = new CountingSource(repo);
    Generator folders = Generator.gitDirectories(counting, "apps/*");
    assertThat(folders.generate()).extracting(p -> p.get("path")).containsExactly("apps/web");
    assertThat(folders.generate()).extracting(p -> p.get("path")).containsExactly("apps/web");
    assertThat(counting.reads).hasValue(1);
    repo.commit(Map.of("apps/web/a.yaml", "kind: x", "apps/shop/b.yaml", "kind: x"));
    assertThat(folders.generate())
        .extracting(p -> p.get("path"))
        .containsExactly("apps/shop", "apps/web");
    assertThat(counting.reads).hasValue(2);
  }

  @Test
  void gitDirectoriesOverAFolderOnDisk(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("envs/dev"));
    Files.createDirectories(root.resolve("envs/prod"));
    Files.writeString(root.resolve("envs/dev/app.yaml"), "kind: x\n");
    Files.writeString(root.resolve("envs/prod/app.yaml"), "kind: x\n");
    Generator envs = Generator.gitDirectories(DirectorySource.of(root), "envs/*");
    assertThat(envs.generate())
        .extracting(p -> p.get("path.basename"))
        .containsExactly("dev", "prod");
  }

  @Test
  void gitFilesFlattenNestedValuesAndNameTheirFolder() throws Exception {
    repo.commit(
        Map.of(
            "clusters/eu/config.yaml",
            "name: eu-1\nregion: eu\ndb:\n  host: db.eu\n  port: 5432\nzones: [a, b]\n",
            "clusters/us/config.json",
            "{\"name\": \"us-1\", \"region\": \"us\", \"enabled\": true}",
            "clusters/us/notes.txt",
            "not matched"));
    List<Parameters> sets = Generator.gitFiles(repo, "clusters/*/config.*").generate();
    assertThat(sets).hasSize(2);
    assertThat(sets.get(0).values())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "name", "eu-1",
                "region", "eu",
                "db.host", "db.eu",
                "db.port", "5432",
                "zones.0", "a",
                "zones.1", "b",
                "path", "clusters/eu",
                "path.basename", "eu",
                "path.filename", "config.yaml"));
    assertThat(sets.get(1).get("enabled")).isEqualTo("true");
    assertThat(sets.get(1).get("path.filename")).isEqualTo("config.json");
  }

  @Test
  void eachYamlDocumentIsOneSet() throws Exception {
    repo.commit(Map.of("envs.yaml", "env: dev\n---\nenv: prod\n"));
    assertThat(Generator.gitFiles(repo, "*.yaml").generate())
        .extracting(p -> p.get("env"))
        .containsExactly("dev", "prod");
  }

  @Test
  void aFileThatDoesNotParseNamesItsFileAndLine() {
    repo.commit(
        Map.of(
            "clusters/good.yaml", "name: good\n",
            "clusters/bad.yaml", "name: bad\nregion: [eu\nzone: a\n"));
    Generator files = Generator.gitFiles(repo, "clusters/*.yaml");
    assertThatThrownBy(files::generate)
        .isInstanceOfSatisfying(
            GeneratorException.class,
            e -> {
              assertThat(e.problems()).hasSize(1);
              Problem problem = e.problems().get(0);
              assertThat(problem.origin().file()).isEqualTo("clusters/bad.yaml");
              assertThat(problem.origin().line()).isGreaterThanOrEqualTo(2);
              assertThat(e.getMessage()).startsWith("clusters/bad.yaml:");
            });
  }

  @Test
  void aDuplicateKeyIsAnErrorWithItsLine() {
    repo.commit(Map.of("c.yaml", "name: a\nregion: eu\nname: b\n"));
    assertThatThrownBy(() -> Generator.gitFiles(repo, "*.yaml").generate())
        .isInstanceOf(GeneratorException.class)
        .hasMessageContaining("c.yaml:3")
        .hasMessageContaining("name");
  }

  @Test
  void aFileMayNotDeclareWhatTheGeneratorSets() {
    repo.commit(Map.of("c.yaml", "name: a\npath: elsewhere\n"));
    assertThatThrownBy(() -> Generator.gitFiles(repo, "*.yaml").generate())
        .isInstanceOf(GeneratorException.class)
        .hasMessageContaining("c.yaml:2")
        .hasMessageContaining("'path' is set by the generator");
  }

  @Test
  void aMatchedFileThatIsNeitherJsonNorYamlIsAnError() {
    repo.commit(Map.of("clusters/eu.txt", "name=eu\n"));
    assertThatThrownBy(() -> Generator.gitFiles(repo, "clusters/*").generate())
        .isInstanceOf(GeneratorException.class)
        .hasMessageContaining("clusters/eu.txt")
        .hasMessageContaining("neither JSON nor YAML");
  }

  @Test
  void aBrokenSourceIsAnErrorNamingTheSource() {
    Generator folders = Generator.gitDirectories(repo, "apps/*");
    assertThatThrownBy(folders::generate)
        .isInstanceOf(GeneratorException.class)
        .hasMessageContaining("cannot read memory in-memory: ");
  }

  @Test
  void aMatrixCombinesEverySetOfOneWithEverySetOfTheOther() throws Exception {
    repo.commit(Map.of("apps/web/a.yaml", "kind: x", "apps/api/a.yaml", "kind: x"));
    Generator matrix =
        Generator.matrix(
            Generator.list(Parameters.of("env", "dev"), Parameters.of("env", "prod")),
            Generator.gitDirectories(repo, "apps/*"));
    assertThat(matrix.generate())
        .extracting(p -> p.get("env") + "/" + p.get("path.basename"))
        .containsExactly("dev/api", "dev/web", "prod/api", "prod/web");
  }

  @Test
  void aMatrixRefusesAKeyWithTwoValues() {
    Generator matrix =
        Generator.matrix(
            Generator.list(Parameters.of("env", "dev")),
            Generator.list(Parameters.of("env", "prod")));
    assertThatThrownBy(matrix::generate)
        .isInstanceOf(GeneratorException.class)
        .hasMessageContaining("parameter 'env' is both 'dev' and 'prod'");
  }

  @Test
  void aMissingParameterIsNamedWithTheOnesThereAre() {
    assertThatThrownBy(() -> Parameters.of("env", "dev").get("region"))
        .hasMessage("no parameter 'region' (there are: env)");
  }

  @Test
  void aGlobMustBeRelative() {
    assertThatThrownBy(() -> Generator.gitFiles(repo, "/etc/*"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Counts the revisions read through it. */
  private static final class CountingSource implements Source {
    private final Source delegate;
    final AtomicInteger reads = new AtomicInteger();

    CountingSource(Source delegate) {
      this.delegate = delegate;
    }

    @Override
    public String resolve() throws SourceException {
      return delegate.resolve();
    }

    @Override
    public Snapshot read(String revision) throws SourceException {
      reads.incrementAndGet();
      return delegate.read(revision);
    }

    @Override
    public String describe() {
      return delegate.describe();
    }
  }
}
