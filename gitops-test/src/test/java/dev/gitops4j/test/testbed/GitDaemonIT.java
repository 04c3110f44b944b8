package dev.gitops4j.test.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.test.Testbed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Ref;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The testbed's git daemon, fetched from with JGit. */
class GitDaemonIT {

  @Test
  void servesARepositoryOverTheGitProtocol(@TempDir Path dir) throws Exception {
    Path base = dir.resolve("served");
    String head;
    try (GitRepoFixture repo = GitRepoFixture.create(base.resolve("config"))) {
      head = repo.commit("first", Map.of("app/cm.yaml", "kind: ConfigMap\n"));
    }
    try (Testbed.Server daemon = Testbed.get().gitDaemon(base)) {
      String url = "git://127.0.0.1:" + daemon.port() + "/config";

      Collection<Ref> refs = Git.lsRemoteRepository().setRemote(url).setHeads(true).call();
      assertThat(refs)
          .anySatisfy(
              ref -> {
                assertThat(ref.getName()).isEqualTo("refs/heads/main");
                assertThat(ref.getObjectId().getName()).isEqualTo(head);
              });

      try (Git clone =
          Git.cloneRepository().setURI(url).setDirectory(dir.resolve("clone").toFile()).call()) {
        assertThat(clone.getRepository().resolve("HEAD").getName()).isEqualTo(head);
      }
      assertThat(Files.readString(dir.resolve("clone/app/cm.yaml"))).isEqualTo("kind: ConfigMap\n");
    }
  }
}
