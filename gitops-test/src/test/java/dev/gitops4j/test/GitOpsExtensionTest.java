package dev.gitops4j.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Map;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(GitOpsExtension.class)
class GitOpsExtensionTest {

  @Test
  void injectsFreshFixtures(GitRepoFixture repo, InMemoryTarget target) throws Exception {
    assertThat(target.ids()).isEmpty();
    String first = repo.commit("first", Map.of("app/a.yaml", "a: 1\n", "app/b.yaml", "b: 2\n"));
    String second = repo.delete("drop b", "app/b.yaml");
    repo.tag("v1.0.0");

    assertThat(first).isNotEqualTo(second);
    assertThat(repo.head()).isEqualTo(second);
    assertThat(
            repo.git()
                .getRepository()
                .exactRef(Constants.R_TAGS + "v1.0.0")
                .getObjectId()
                .getName())
        .isEqualTo(second);
    try (RevWalk walk = new RevWalk(repo.git().getRepository())) {
      var tree = walk.parseCommit(repo.git().getRepository().resolve(second)).getTree();
      assertThat(TreeWalk.forPath(repo.git().getRepository(), "app/a.yaml", tree)).isNotNull();
      assertThat(TreeWalk.forPath(repo.git().getRepository(), "app/b.yaml", tree)).isNull();
    }
    assertThat(Files.isDirectory(repo.directory())).isTrue();
    assertThat(repo.uri()).startsWith("file:");
  }

  @Test
  void branchesAreIndependent(GitRepoFixture repo) {
    String main = repo.commit("on main", Map.of("x.yaml", "x: 1\n"));
    repo.checkout("feature");
    String feature = repo.commit("on feature", Map.of("x.yaml", "x: 2\n"));
    repo.checkout("main");
    assertThat(repo.head()).isEqualTo(main).isNotEqualTo(feature);
  }
}
