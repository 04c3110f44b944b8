package dev.gitops4j.web;

import dev.gitops4j.web.internal.BearerTokens;
import java.util.Map;
import java.util.Optional;

/**
 * Finds who sent a request. Implementations read what the embedder's security setup provides (a
 * bearer token, a header set by an authenticating proxy, a framework's security context).
 *
 * <p>An authenticator that also implements {@link TokenAuthenticator} lets people sign in on the
 * dashboard page by entering their token; the page then keeps the principal in a session cookie.
 */
@FunctionalInterface
public interface Authenticator {

  /**
   * @return the principal, or empty when the request carries no valid credential
   */
  Optional<Principal> authenticate(WebRequest request);

  /**
   * Bearer tokens ({@code Authorization: Bearer <token>}), each naming its principal. Tokens are
   * kept only as SHA-256 digests and compared in constant time.
   *
   * @throws IllegalArgumentException when a token is shorter than 16 characters
   */
  static TokenAuthenticator bearerTokens(Map<String, Principal> tokens) {
    return new BearerTokens(tokens);
  }

  /** An authenticator that recognises nobody: every action is refused. */
  static Authenticator none() {
    return request -> Optional.empty();
  }
}
