package dev.gitops4j.webhook.internal;

import dev.gitops4j.internal.Digests;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the proof a sender puts in one header. Implementations compare in constant time and keep
 * secrets out of {@link #toString()}.
 */
public interface Verifier {

  /** The header carrying the signature or token. */
  String header();

  /** True when {@code value} (the header's value) proves {@code body} came from the sender. */
  boolean verify(String value, byte[] body);

  /**
   * HMAC-SHA256 of the body as hex, as GitHub ({@code X-Hub-Signature-256: sha256=<hex>}) and many
   * others send it.
   *
   * @param prefixRequired whether the value must start with {@code sha256=}; otherwise optional
   */
  static Verifier hmacSha256(String header, String secret, boolean prefixRequired) {
    return new HmacSha256(header, requireSecret(secret), prefixRequired);
  }

  /** A shared token sent as is, as GitLab does ({@code X-Gitlab-Token}). */
  static Verifier token(String header, String token) {
    return new Token(header, requireSecret(token));
  }

  private static byte[] requireSecret(String secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.isBlank()) {
      throw new IllegalArgumentException("webhook secret must not be blank");
    }
    return secret.getBytes(StandardCharsets.UTF_8);
  }

  /** HMAC-SHA256 hex verifier. */
  final class HmacSha256 implements Verifier {
    private static final String PREFIX = "sha256=";
    private final String header;
    private final SecretKeySpec key;
    private final boolean prefixRequired;

    private HmacSha256(String header, byte[] secret, boolean prefixRequired) {
      this.header = Objects.requireNonNull(header, "header");
      this.key = new SecretKeySpec(secret, "HmacSHA256");
      this.prefixRequired = prefixRequired;
    }

    @Override
    public String header() {
      return header;
    }

    @Override
    public boolean verify(String value, byte[] body) {
      String hex = value.strip();
      if (hex.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
        hex = hex.substring(PREFIX.length());
      } else if (prefixRequired) {
        return false;
      }
      byte[] given;
      try {
        given = HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return false;
      }
      byte[] expected;
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(key);
        expected = mac.doFinal(body);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
      }
      return MessageDigest.isEqual(expected, given);
    }

    @Override
    public String toString() {
      return "HMAC-SHA256 in " + header;
    }
  }

  /** Shared-token verifier. */
  final class Token implements Verifier {
    private final String header;
    private final byte[] tokenDigest;

    private Token(String header, byte[] token) {
      this.header = Objects.requireNonNull(header, "header");
      this.tokenDigest = sha256(token);
    }

    @Override
    public String header() {
      return header;
    }

    @Override
    public boolean verify(String value, byte[] body) {
      // Comparing digests keeps the time independent of where and whether the lengths differ.
      return MessageDigest.isEqual(
          tokenDigest, sha256(value.strip().getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] sha256(byte[] bytes) {
      return Digests.sha256().digest(bytes);
    }

    @Override
    public String toString() {
      return "token in " + header;
    }
  }
}
