package dev.gitops4j.web;

import java.util.Locale;
import java.util.Optional;

/**
 * An {@link Authenticator} that checks a token by itself, so the dashboard can offer a sign-in form
 * and requests can carry {@code Authorization: Bearer <token>}.
 */
public interface TokenAuthenticator extends Authenticator {

  /**
   * @return the principal the token belongs to, or empty when it is unknown
   */
  Optional<Principal> verify(String token);

  /** Reads {@code Authorization: Bearer <token>} and {@linkplain #verify verifies} the token. */
  @Override
  default Optional<Principal> authenticate(WebRequest request) {
    return request
        .header("authorization")
        .filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7))
        .map(value -> value.substring(7).trim())
        .filter(token -> !token.isEmpty() && !token.toLowerCase(Locale.ROOT).equals("null"))
        .flatMap(this::verify);
  }
}
