package dev.gitops4j.test.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.engine.*;
import dev.gitops4j.model.Trigger;
import dev.gitops4j.source.GitRef;
import dev.gitops4j.source.GitSource;
import dev.gitops4j.test.GitOpsExtension;
import dev.gitops4j.test.GitRepoFixture;
import dev.gitops4j.test.InMemoryTarget;
import dev.gitops4j.webhook.PushEvent;
import dev.gitops4j.webhook.WebhookDecision;
import dev.gitops4j.webhook.WebhookReceiver;
import dev.gitops4j.webhook.WebhookRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A signed GitHub push reaches the applications that follow the pushed branch. */
@ExtendWith(GitOpsExtension.class)
class WebhookTest {

  private static final String SECRET = "webhook-secret-for-tests";

  private static WebhookRequest signedPush(String url, String ref, String delivery)
      throws Exception {
    byte[] body =
        ("{\"ref\":\""
                + ref
                + "\",\"after\":\"1111111111111111111111111111111111111111\","
                + "\"repository\":{\"clone_url\":\""
                + url
                + "\",\"html_url\":\""
                + url
                + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    return new WebhookRequest(
        Map.of(
            "X-GitHub-Event", List.of("push"),
            "X-GitHub-Delivery", List.of(delivery),
            "X-Hub-Signature-256", List.of(signature)),
        body);
  }

  @Test
  void pushesTriggerFollowingApplicationsAndBurstsCoalesce(
      GitRepoFixture repo, InMemoryTarget target, @TempDir Path dir) throws Exception {
    repo.commit("first", Harness.files("a", "1"));
    GitSource main = GitSource.builder(repo.uri()).ref(GitRef.branch("main")).cacheDir(dir).build();
    GitSource other =
        GitSource.builder(repo.uri()).ref(GitRef.branch("release")).cacheDir(dir).build();
    InMemoryTarget otherTarget = InMemoryTarget.create();
    List<PassResult> results = new CopyOnWriteArrayList<>();
    CountDownLatch firstPassInside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch twoMainPasses = new CountDownLatch(2);
    ExecutorService passes = Executors.newFixedThreadPool(2);
    WebhookReceiver receiver = WebhookReceiver.builder().github(SECRET).build();

    try (Engine engine =
        Engine.builder()
            .passExecutor(passes)
            .listener(
                new ReconcileListener() {
                  @Override
                  public void passFinished(PassResult result) {
                    results.add(result);
                    if (result.application().equals("main-app")) {
                      twoMainPasses.countDown();
                    }
                  }
                })
            .application(
                Application.builder("main-app")
                    .source(main)
                    .target(target.target())
                    .interval(Duration.ofHours(1))
                    .build())
            .application(
                Application.builder("release-app")
                    .source(other)
                    .target(otherTarget.target())
                    .interval(Duration.ofHours(1))
                    .build())
            .build()) {
      target.duringApply(
          () -> {
            firstPassInside.countDown();
            try {
              release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });

      WebhookDecision first = receiver.receive(signedPush(repo.uri(), "refs/heads/main", "d-1"));
      assertThat(first.status()).isEqualTo(202);
      PushEvent push = first.event().orElseThrow();
      assertThat(engine.pushed(push)).containsExactly("main-app");
      assertThat(firstPassInside.await(30, TimeUnit.SECONDS)).isTrue();

      // A burst of pushes while the pass runs becomes exactly one more pass.
      repo.commit("second", Harness.files("a", "2"));
      for (int i = 2; i <= 6; i++) {
        WebhookDecision decision =
            receiver.receive(signedPush(repo.uri(), "refs/heads/main", "d-" + i));
        assertThat(engine.pushed(decision.event().orElseThrow())).containsExactly("main-app");
      }
      release.countDown();
      assertThat(twoMainPasses.await(60, TimeUnit.SECONDS)).isTrue();

      // A manual pass afterwards shows no further webhook pass ran in between.
      engine.trigger("main-app").get(60, TimeUnit.SECONDS);
      List<PassResult> mainPasses =
          results.stream().filter(r -> r.application().equals("main-app")).toList();
      assertThat(mainPasses)
          .extracting(PassResult::trigger)
          .containsExactly(Trigger.WEBHOOK, Trigger.WEBHOOK, Trigger.MANUAL);
      assertThat(target.get(Harness.cm("a")).orElseThrow().at("/data/value").asText())
          .isEqualTo("2");
      assertThat(otherTarget.ids()).isEmpty();

      // A replayed delivery and a forged signature are refused before anything is triggered.
      assertThat(receiver.receive(signedPush(repo.uri(), "refs/heads/main", "d-1")).status())
          .isEqualTo(409);
      WebhookRequest forged = signedPush(repo.uri(), "refs/heads/main", "d-99");
      byte[] tampered = forged.body();
      tampered[10] = (byte) (tampered[10] ^ 1);
      assertThat(receiver.receive(new WebhookRequest(forged.headers(), tampered)).status())
          .isEqualTo(401);
    } finally {
      passes.shutdownNow();
    }
  }
}
