package dev.gitops4j.webhook;

import dev.gitops4j.webhook.internal.Payloads;
import dev.gitops4j.webhook.internal.ReplayWindow;
import dev.gitops4j.webhook.internal.Verifier;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Git hosting webhook requests into {@link PushEvent}s, independent of any HTTP framework:
 * hand each request to {@link #receive(WebhookRequest)} and answer with the decision's status.
 *
 * <pre>{@code
 * WebhookReceiver receiver = WebhookReceiver.builder()
 *     .github(System.getenv("GITHUB_WEBHOOK_SECRET"))
 *     .gitlab(System.getenv("GITLAB_WEBHOOK_TOKEN"))
 *     .build();
 * WebhookDecision decision = receiver.receive(new WebhookRequest(headers, body));
 * decision.event().ifPresent(engine::pushed);
 * respond(decision.status(), decision.message());
 * }</pre>
 *
 * <p>Order of checks: body size (413), then authentication (401) over the raw body before anything
 * parses it, then the payload (400, or 200 for events that are not pushes), then replay (409).
 * Every request must be authenticated by a registered verifier: there is no unsigned mode. When
 * several verifiers are registered (e.g. two secrets while rotating), a request is authentic if any
 * verifier whose header it carries accepts it.
 *
 * <p>Replay protection remembers the delivery ids ({@code X-GitHub-Delivery}, {@code
 * X-Gitlab-Event-UUID} or {@code X-Delivery-Id}) of the most recent accepted pushes and rejects a
 * repeat. Senders do not sign these headers, so this stops redeliveries and naive replays, not a
 * replay with a forged id; a replayed push can at most cause one more idempotent reconcile pass.
 *
 * <p>Configuration is immutable; the receiver is thread-safe and meant to be shared.
 */
public final class WebhookReceiver {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiver.class);

  /** Default body limit: 10 MiB (GitHub caps payloads at 25 MB; pushes are far smaller). */
  public static final int DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

  /** Default number of delivery ids remembered. */
  public static final int DEFAULT_REPLAY_WINDOW = 1024;

  private static final List<String> DELIVERY_HEADERS =
      List.of("X-GitHub-Delivery", "X-Gitlab-Event-UUID", "X-Delivery-Id");

  private final List<Verifier> verifiers;
  private final ReplayWindow replays;
  private final Clock clock;
  private final int maxBodyBytes;

  private WebhookReceiver(Builder builder) {
    this.verifiers = List.copyOf(builder.verifiers);
    this.replays = new ReplayWindow(builder.replayWindow);
    this.clock = builder.clock;
    this.maxBodyBytes = builder.maxBodyBytes;
  }

  /** A builder; register at least one verifier. */
  public static Builder builder() {
    return new Builder();
  }

  /** Authenticates, parses and de-duplicates one request. Never throws for bad input. */
  public WebhookDecision receive(WebhookRequest request) {
    Objects.requireNonNull(request, "request");
    WebhookDecision decision = decide(request);
    LOG.debug("webhook {}: {}", decision.status(), decision.message());
    return decision;
  }

  private WebhookDecision decide(WebhookRequest request) {
    byte[] body = request.body();
    if (body.length > maxBodyBytes) {
      return reject(
          WebhookDecision.TOO_LARGE,
          "body of " + body.length + " bytes exceeds the limit of " + maxBodyBytes + " bytes");
    }

    Optional<String> authFailure = authenticate(request, body);
    if (authFailure.isPresent()) {
      return reject(WebhookDecision.UNAUTHORIZED, authFailure.get());
    }

    Payloads.Parsed parsed;
    try {
      parsed = Payloads.parse(request, body);
    } catch (Payloads.MalformedPayloadException e) {
      return reject(WebhookDecision.MALFORMED, e.getMessage());
    }
    if (parsed instanceof Payloads.Ignored ignored) {
      return reject(WebhookDecision.IGNORED, ignored.reason());
    }
    Payloads.Push push = (Payloads.Push) parsed;

    String deliveryId = deliveryId(request);
    if (!deliveryId.isEmpty() && !replays.firstTime(deliveryId)) {
      return reject(
          WebhookDecision.REPLAYED,
          "delivery " + Payloads.printable(deliveryId) + " was already received");
    }
    PushEvent event =
        new PushEvent(
            push.provider(),
            push.repositoryUrls(),
            push.ref(),
            push.after(),
            deliveryId,
            clock.instant());
    return new WebhookDecision(
        WebhookDecision.ACCEPTED,
        "push to " + Payloads.printable(push.ref()) + " accepted",
        Optional.of(event));
  }

  /** Empty when authentic, else why not, without echoing any value. */
  private Optional<String> authenticate(WebhookRequest request, byte[] body) {
    boolean carried = false;
    for (Verifier verifier : verifiers) {
      List<String> values = request.headerValues(verifier.header());
      if (values.isEmpty()) {
        continue;
      }
      carried = true;
      if (values.size() == 1 && verifier.verify(values.get(0), body)) {
        return Optional.empty();
      }
    }
    if (carried) {
      return Optional.of("signature or token does not match");
    }
    Set<String> headers = new LinkedHashSet<>();
    verifiers.forEach(v -> headers.add(v.header()));
    return Optional.of("missing signature: expected header " + String.join(" or ", headers));
  }

  private static String deliveryId(WebhookRequest request) {
    for (String header : DELIVERY_HEADERS) {
      Optional<String> id = request.header(header).map(String::strip).filter(s -> !s.isEmpty());
      if (id.isPresent()) {
        return id.get();
      }
    }
    return "";
  }

  private static WebhookDecision reject(int status, String message) {
    return new WebhookDecision(status, message, Optional.empty());
  }

  @Override
  public String toString() {
    return "WebhookReceiver" + verifiers;
  }

  /** Collects verifiers and limits; {@link #build()} checks them. Not thread-safe. */
  public static final class Builder {
    private final List<Verifier> verifiers = new ArrayList<>();
    private int replayWindow = DEFAULT_REPLAY_WINDOW;
    private Clock clock = Clock.systemUTC();
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;

    private Builder() {}

    /**
     * Accepts GitHub-style deliveries signed with {@code secret}: header {@code
     * X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>}. Call again with the new secret
     * while rotating.
     */
    public Builder github(String secret) {
      verifiers.add(Verifier.hmacSha256("X-Hub-Signature-256", secret, true));
      return this;
    }

    /** Accepts GitLab deliveries carrying {@code token} in {@code X-Gitlab-Token}. */
    public Builder gitlab(String token) {
      verifiers.add(Verifier.token("X-Gitlab-Token", token));
      return this;
    }

    /**
     * Accepts deliveries whose header {@code headerName} holds the hex HMAC-SHA256 of the body
     * under {@code secret}, with or without a {@code sha256=} prefix (e.g. Gitea's {@code
     * X-Gitea-Signature}, or your CI).
     */
    public Builder hmac(String headerName, String secret) {
      Objects.requireNonNull(headerName, "headerName");
      if (headerName.isBlank()) {
        throw new IllegalArgumentException("header name must not be blank");
      }
      verifiers.add(Verifier.hmacSha256(headerName.strip(), secret, false));
      return this;
    }

    /**
     * How many recent delivery ids to remember for replay rejection; 0 turns it off. Default
     * {@value WebhookReceiver#DEFAULT_REPLAY_WINDOW}.
     */
    public Builder replayWindow(int maxRemembered) {
      if (maxRemembered < 0) {
        throw new IllegalArgumentException("replay window must be >= 0, was " + maxRemembered);
      }
      this.replayWindow = maxRemembered;
      return this;
    }

    /** Clock stamping {@link PushEvent#receivedAt()}. Default: system UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Largest body accepted, in bytes; larger ones get 413. Default {@value
     * WebhookReceiver#DEFAULT_MAX_BODY_BYTES}. Also cap the read in your HTTP server.
     */
    public Builder maxBodyBytes(int maxBodyBytes) {
      if (maxBodyBytes <= 0) {
        throw new IllegalArgumentException("max body bytes must be > 0, was " + maxBodyBytes);
      }
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /**
     * The receiver.
     *
     * @throws IllegalStateException when no verifier was registered: unsigned requests are never
     *     accepted
     */
    public WebhookReceiver build() {
      if (verifiers.isEmpty()) {
        throw new IllegalStateException(
            "register at least one verifier (github, gitlab or hmac): unsigned webhooks are"
                + " never accepted");
      }
      return new WebhookReceiver(this);
    }
  }
}
