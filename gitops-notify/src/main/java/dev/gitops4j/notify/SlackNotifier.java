package dev.gitops4j.notify;

import dev.gitops4j.notify.internal.Http;
import dev.gitops4j.notify.internal.Payloads;
import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * Posts to a Slack-compatible incoming webhook ({@code text} plus {@code blocks}; Mattermost and
 * Rocket.Chat accept the same). The webhook URL is itself the credential, so it is read from a
 * {@link Secret} and never logged.
 */
public final class SlackNotifier implements Notifier {

  private final Secret webhookUrl;

  private SlackNotifier(Secret webhookUrl) {
    this.webhookUrl = Objects.requireNonNull(webhookUrl, "webhookUrl");
  }

  public static SlackNotifier create(Secret webhookUrl) {
    return new SlackNotifier(webhookUrl);
  }

  @Override
  public void send(Notification notification) throws Exception {
    URI url;
    try {
      url = URI.create(webhookUrl.reveal());
    } catch (IllegalArgumentException e) {
      // The message would quote the URL, which is the credential.
      throw new NotifierException(
          "the Slack webhook URL in " + webhookUrl + " is not a URL", false);
    }
    Http.postJson(url, Payloads.JSON.writeValueAsBytes(Payloads.slack(notification)), Map.of());
  }

  @Override
  public String name() {
    return "slack";
  }
}
