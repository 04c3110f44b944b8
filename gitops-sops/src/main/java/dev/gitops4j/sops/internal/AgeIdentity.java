package dev.gitops4j.sops.internal;

import java.util.Arrays;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;

/** One age X25519 identity ({@code AGE-SECRET-KEY-1...}) and its recipient ({@code age1...}). */
public final class AgeIdentity {

  private static final String SECRET_HRP = "age-secret-key-";
  private static final String PUBLIC_HRP = "age";

  private final X25519PrivateKeyParameters secret;
  private final byte[] publicKey;
  private final String recipient;

  private AgeIdentity(byte[] secretBytes) {
    this.secret = new X25519PrivateKeyParameters(secretBytes, 0);
    Arrays.fill(secretBytes, (byte) 0);
    this.publicKey = secret.generatePublicKey().getEncoded();
    this.recipient = Bech32.encode(PUBLIC_HRP, publicKey);
  }

  /**
   * Parses {@code AGE-SECRET-KEY-1...}.
   *
   * @throws IllegalArgumentException saying what is wrong, never quoting the key
   */
  public static AgeIdentity parse(String text) {
    Bech32.Decoded decoded;
    try {
      decoded = Bech32.decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not an age identity (" + e.getMessage() + ")");
    }
    if (!decoded.hrp().equals(SECRET_HRP) || decoded.data().length != 32) {
      throw new IllegalArgumentException("not an age X25519 identity (AGE-SECRET-KEY-1...)");
    }
    return new AgeIdentity(decoded.data());
  }

  /** The public recipient, {@code age1...}. */
  public String recipient() {
    return recipient;
  }

  X25519PrivateKeyParameters secret() {
    return secret;
  }

  byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public String toString() {
    return recipient;
  }
}
