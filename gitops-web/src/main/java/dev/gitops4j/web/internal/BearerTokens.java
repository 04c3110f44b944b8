package dev.gitops4j.web.internal;

import dev.gitops4j.web.Principal;
import dev.gitops4j.web.TokenAuthenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Fixed bearer tokens. Only SHA-256 digests are kept; a presented token is digested and compared
 * with every known digest in constant time, so neither the match position nor a prefix leaks
 * through timing.
 */
public final class BearerTokens implements TokenAuthenticator {

  private static final int MIN_LENGTH = 16;

  private record Entry(byte[] digest, Principal principal) {}

  private final List<Entry> entries;

  public BearerTokens(Map<String, Principal> tokens) {
    Objects.requireNonNull(tokens, "tokens");
    List<Entry> list = new ArrayList<>();
    tokens.forEach(
        (token, principal) -> {
          Objects.requireNonNull(token, "token");
          Objects.requireNonNull(principal, "principal of a token");
          if (token.length() < MIN_LENGTH) {
            throw new IllegalArgumentException(
                "the token of "
                    + principal.name()
                    + " is too short: at least "
                    + MIN_LENGTH
                    + " characters");
          }
          list.add(new Entry(sha256(token), principal));
        });
    this.entries = List.copyOf(list);
  }

  @Override
  public Optional<Principal> verify(String token) {
    if (token == null) {
      return Optional.empty();
    }
    byte[] presented = sha256(token);
    Principal found = null;
    for (Entry entry : entries) {
      // No early exit: every entry is compared whatever matched.
      if (MessageDigest.isEqual(entry.digest, presented)) {
        found = entry.principal;
      }
    }
    return Optional.ofNullable(found);
  }

  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
