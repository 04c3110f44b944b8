package dev.gitops4j.notify;

import static dev.gitops4j.notify.Fixtures.configMap;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.ReconcileListener;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.model.Plan;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.notify.internal.Payloads;
import dev.gitops4j.source.GitRef;
import dev.gitops4j.source.GitSource;
import dev.gitops4j.test.GiteaServer;
import dev.gitops4j.test.InMemoryTarget;
import dev.gitops4j.test.Testbed;
import dev.gitops4j.webhook.WebhookDecision;
import dev.gitops4j.webhook.WebhookReceiver;
import dev.gitops4j.webhook.WebhookRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real Gitea: commits pushed over HTTP, an engine following the repository over HTTP, and
 * the commit statuses it sets read back through Gitea's API.
 */
class GiteaCommitStatusIT {

  @Test
  void statusesGoPendingThenSuccessAndFailureForACommitThatDoesNotRender(@TempDir Path dir)
      throws Exception {
    try (GiteaServer gitea = GiteaServer.start(Testbed.get(), dir.resolve("gitea"))) {
      URI clone = gitea.createRepository("deploy");
      String token = gitea.createToken("gitops4j-status", "write:repository");
      String repo = GiteaServer.ADMIN + "/deploy";

      Path work = dir.resolve("work");
      try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
        String good =
            commit(git, work, "production/a.yaml", configMap("a", "1"), "add a").getName();
        push(git, clone);

        InMemoryTarget memory = InMemoryTarget.create();
        Application app = followingGitea(clone, dir, memory);
        List<String> seenWhenSyncStarts = new CopyOnWriteArrayList<>();
        Notifier statuses =
            CommitStatusNotifier.gitea(
                    gitea.url(), Secret.fromEnv("GITEA_TOKEN", Map.of("GITEA_TOKEN", token)::get))
                .repository(repo)
                .targetUrl("https://ops.example/gitops/apps/{application}")
                .build();
        try (Notifications notifications =
                Notifications.builder()
                    .notifier(
                        statuses,
                        Subscription.custom()
                            .events(Event.SYNC_STARTED, Event.SYNC_SUCCEEDED, Event.SYNC_FAILED)
                            .build())
                    .retry(3, Duration.ofMillis(100), Duration.ofSeconds(1))
                    .build();
            Engine engine =
                Engine.builder()
                    .application(app)
                    .listener(notifications)
                    .listener(
                        lookingAtGiteaWhenTheSyncStarts(
                            notifications, gitea, repo, memory, seenWhenSyncStarts))
                    .build()) {
          PassResult first = engine.trigger("shop").get(60, TimeUnit.SECONDS);
          assertThat(first.status()).isEqualTo(PassStatus.SYNCED);
          // Gitea showed the commit pending before the first step wrote anything.
          assertThat(seenWhenSyncStarts)
              .containsExactly(
                  "pending (syncing: 1 to create, 0 to update, 0 to delete) after 0 writes");
          assertThat(memory.writes()).isEqualTo(1);
          assertThat(first.revision()).isEqualTo(good);
          assertThat(notifications.awaitIdle(Duration.ofSeconds(30))).isTrue();
          assertThat(notifications.stats().get(0).delivered()).isEqualTo(2);

          List<JsonNode> goodStatuses = gitea.statuses(repo, good);
          assertThat(goodStatuses)
              .extracting(s -> s.get("status").asText())
              .containsExactly("pending", "success");
          JsonNode last = goodStatuses.get(1);
          assertThat(last.get("context").asText()).isEqualTo("gitops4j/shop");
          assertThat(last.get("target_url").asText())
              .isEqualTo("https://ops.example/gitops/apps/shop");
          assertThat(last.get("description").asText())
              .isEqualTo("synced: 1 to create, 0 to update, 0 to delete");
          JsonNode combined =
              gitea.call("GET", "repos/" + repo + "/commits/" + good + "/status", null, 200);
          assertThat(combined.get("state").asText()).isEqualTo("success");

          String bad =
              commit(git, work, "production/b.yaml", "kind: ConfigMap\nmetadata: [\n", "break b")
                  .getName();
          push(git, clone);
          PassResult second = engine.trigger("shop").get(60, TimeUnit.SECONDS);
          assertThat(second.status()).isEqualTo(PassStatus.FAILED);
          assertThat(second.revision()).isEqualTo(bad);
          assertThat(notifications.awaitIdle(Duration.ofSeconds(30))).isTrue();

          List<JsonNode> badStatuses = gitea.statuses(repo, bad);
          assertThat(badStatuses)
              .extracting(s -> s.get("status").asText())
              .containsExactly("failure");
          assertThat(badStatuses.get(0).get("description").asText())
              .startsWith("sync failed: ")
              .contains("b.yaml");
          // The good commit keeps its own statuses; the bad one failed before any sync started.
          assertThat(gitea.statuses(repo, good)).hasSize(2);
          assertThat(seenWhenSyncStarts).hasSize(1);
        }
      }
    }
  }

  @Test
  void aPushDeliveredByGiteasWebhookRunsThePassThatSetsTheStatus(@TempDir Path dir)
      throws Exception {
    String hookSecret = "gitea-hook-secret";
    try (GiteaServer gitea = GiteaServer.start(Testbed.get(), dir.resolve("gitea"))) {
      URI clone = gitea.createRepository("deploy");
      String token = gitea.createToken("gitops4j-status", "write:repository");
      String repo = GiteaServer.ADMIN + "/deploy";
      Path work = dir.resolve("work");
      try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
        commit(git, work, "production/a.yaml", configMap("a", "1"), "add a");
        push(git, clone);
        Application app = followingGitea(clone, dir, InMemoryTarget.create());
        WebhookReceiver receiver =
            WebhookReceiver.builder().hmac("X-Gitea-Signature", hookSecret).build();
        List<Integer> answers = new CopyOnWriteArrayList<>();
        try (Notifications notifications =
                Notifications.builder()
                    .notifier(
                        CommitStatusNotifier.gitea(
                                gitea.url(),
                                Secret.fromEnv("GITEA_TOKEN", Map.of("GITEA_TOKEN", token)::get))
                            .repository(repo)
                            .build())
                    .build();
            Engine engine = Engine.builder().application(app).listener(notifications).build()) {
          HttpServer server =
              HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
          server.createContext(
              "/hooks/git",
              exchange -> {
                WebhookDecision decision =
                    receiver.receive(
                        new WebhookRequest(
                            Map.copyOf(exchange.getRequestHeaders()),
                            exchange.getRequestBody().readAllBytes()));
                decision.event().ifPresent(engine::pushed);
                answers.add(decision.status());
                exchange.sendResponseHeaders(decision.status(), -1);
                exchange.close();
              });
          server.start();
          try {
            engine.start();
            ObjectNode hook =
                Payloads.JSON.createObjectNode().put("type", "gitea").put("active", true);
            hook.putArray("events").add("push");
            hook.putObject("config")
                .put("url", "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/git")
                .put("content_type", "json")
                .put("secret", hookSecret);
            gitea.call("POST", "repos/" + repo + "/hooks", hook, 201);

            String pushed =
                commit(git, work, "production/a.yaml", configMap("a", "2"), "change a").getName();
            push(git, clone);
            List<String> states = List.of();
            for (int i = 0; i < 600 && !states.contains("success"); i++) {
              TimeUnit.MILLISECONDS.sleep(100);
              states =
                  gitea.statuses(repo, pushed).stream().map(x -> x.get("status").asText()).toList();
            }
            assertThat(states).containsExactly("pending", "success");
            assertThat(answers).contains(202);
            assertThat(engine.lastResult("shop").orElseThrow().trigger())
                .isEqualTo(Trigger.WEBHOOK);
          } finally {
            server.stop(0);
          }
        }
      }
    }
  }

  /**
   * Holds the pass when it is about to write until the notifications are delivered, and notes the
   * commit's statuses in Gitea and the writes made so far.
   */
  private static ReconcileListener lookingAtGiteaWhenTheSyncStarts(
      Notifications notifications,
      GiteaServer gitea,
      String repo,
      InMemoryTarget target,
      List<String> seen) {
    return new ReconcileListener() {
      @Override
      public void syncStarting(String application, String revision, Plan plan) {
        try {
          if (!notifications.awaitIdle(Duration.ofSeconds(30))) {
            seen.add("notifications not delivered within 30 s");
            return;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (JsonNode status : gitea.statuses(repo, revision)) {
          seen.add(
              status.get("status").asText()
                  + " ("
                  + status.get("description").asText()
                  + ") after "
                  + target.writes()
                  + " writes");
        }
      }
    };
  }

  /** Shop, following branch main of the Gitea repository over HTTP, into {@code target}. */
  private static Application followingGitea(URI clone, Path dir, InMemoryTarget target) {
    return Application.builder("shop")
        .source(
            GitSource.builder(clone.toString())
                .ref(GitRef.branch("main"))
                .path("production")
                .basicAuth(GiteaServer.ADMIN, GiteaServer.PASSWORD)
                .cacheDir(dir.resolve("cache"))
                .build())
        .target(target.target())
        .policy(SyncPolicy.automatic())
        .interval(Duration.ofHours(1))
        .build();
  }

  private static void push(Git git, URI clone) throws Exception {
    git.push()
        .setRemote(clone.toString())
        .add("main")
        .setCredentialsProvider(
            new UsernamePasswordCredentialsProvider(GiteaServer.ADMIN, GiteaServer.PASSWORD))
        .call();
  }

  private static RevCommit commit(Git git, Path work, String path, String content, String message)
      throws Exception {
    Path file = work.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    git.add().addFilepattern(".").call();
    PersonIdent who = new PersonIdent("Alice Example", "alice@example.invalid");
    return git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call();
  }
}
