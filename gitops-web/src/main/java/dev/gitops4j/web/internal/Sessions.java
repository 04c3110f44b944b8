package dev.gitops4j.web.internal;

import dev.gitops4j.web.Principal;
import dev.gitops4j.web.WebRequest;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Session cookies and the CSRF tokens bound to them.
 *
 * <p>Every browser gets a random session id in an {@code HttpOnly}, {@code SameSite=Strict} cookie;
 * signing in issues a new id (no session fixation) remembered here with its principal. The CSRF
 * token of a session is an HMAC of its id under a key that lives only in this process, so it needs
 * no storage, is bound to the cookie, and a page of another origin can neither read nor guess it.
 */
public final class Sessions {

  public static final String COOKIE = "gitops4j_session";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final int MAX_SIGNED_IN = 10_000;

  private record Session(Principal principal, Instant expires) {}

  private final SecureRandom random = new SecureRandom();
  private final byte[] key = new byte[32];
  private final Clock clock;
  private final Duration ttl;
  // Insertion order, so the oldest session goes first when the bound is reached.
  private final Map<String, Session> signedIn = new LinkedHashMap<>();

  public Sessions(Clock clock, Duration ttl) {
    this.clock = clock;
    this.ttl = ttl;
    random.nextBytes(key);
  }

  /** A fresh random session id. */
  public String newId() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The well-formed session id the request's cookie carries. */
  public Optional<String> id(WebRequest request) {
    return request.cookie(COOKIE).filter(value -> ID.matcher(value).matches());
  }

  /** The principal signed in on the request's session, if it has not expired. */
  public synchronized Optional<Principal> principal(WebRequest request) {
    Optional<String> id = id(request);
    if (id.isEmpty()) {
      return Optional.empty();
    }
    Session session = signedIn.get(id.get());
    if (session == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(session.expires)) {
      signedIn.remove(id.get());
      return Optional.empty();
    }
    return Optional.of(session.principal);
  }

  /** Remembers {@code principal} under a new session id and returns the id. */
  public synchronized String signIn(Principal principal) {
    Instant now = clock.instant();
    signedIn.values().removeIf(session -> !now.isBefore(session.expires));
    while (signedIn.size() >= MAX_SIGNED_IN) {
      Iterator<String> oldest = signedIn.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    String id = newId();
    signedIn.put(id, new Session(principal, now.plus(ttl)));
    return id;
  }

  public synchronized void signOut(String id) {
    signedIn.remove(id);
  }

  /** The CSRF token bound to a session id. */
  public String csrfToken(String id) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] tag = mac.doFinal(("csrf|" + id).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  /** Whether {@code presented} is the CSRF token of the request's session cookie. */
  public boolean csrfValid(WebRequest request, String presented) {
    Optional<String> id = id(request);
    if (id.isEmpty() || presented == null || presented.isEmpty()) {
      return false;
    }
    return MessageDigest.isEqual(
        csrfToken(id.get()).getBytes(StandardCharsets.US_ASCII),
        presented.getBytes(StandardCharsets.UTF_8));
  }

  /** The {@code Set-Cookie} value carrying {@code id}. */
  public String cookie(String id, WebRequest request) {
    String path = request.basePath().isEmpty() ? "/" : request.basePath();
    return COOKIE
        + "="
        + id
        + "; Path="
        + path
        + "; HttpOnly; SameSite=Strict"
        + (request.secure() ? "; Secure" : "");
  }
}
