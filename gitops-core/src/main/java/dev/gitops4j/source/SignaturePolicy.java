package dev.gitops4j.source;

import dev.gitops4j.source.SignatureVerdict.Status;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Which commits a source accepts: {@link #none() any}, or only those {@link
 * #requireSigned(SignatureVerifier...) signed by an allowed key}. A refused revision fails {@link
 * Source#read(String)} with {@link SourceException.Reason#SIGNATURE_REFUSED}; none of its files are
 * returned.
 */
public final class SignaturePolicy {

  private static final SignaturePolicy NONE = new SignaturePolicy(List.of());

  private final List<SignatureVerifier> verifiers;

  private SignaturePolicy(List<SignatureVerifier> verifiers) {
    this.verifiers = verifiers;
  }

  /** Accepts every commit; verdicts are {@code NOT_CHECKED}. */
  public static SignaturePolicy none() {
    return NONE;
  }

  /**
   * Accepts only commits whose signature one of {@code verifiers} (chosen by the signature's
   * format) verifies. Unsigned commits and formats without a verifier are refused.
   */
  public static SignaturePolicy requireSigned(SignatureVerifier... verifiers) {
    return requireSigned(List.of(verifiers));
  }

  /** See {@link #requireSigned(SignatureVerifier...)}. */
  public static SignaturePolicy requireSigned(List<SignatureVerifier> verifiers) {
    List<SignatureVerifier> copy = List.copyOf(verifiers);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("requireSigned needs at least one verifier");
    }
    for (SignatureVerifier verifier : copy) {
      Objects.requireNonNull(verifier.format(), "verifier format");
    }
    return new SignaturePolicy(copy);
  }

  /** True when commits must be signed. */
  public boolean isRequired() {
    return !verifiers.isEmpty();
  }

  /**
   * The verdict for one commit.
   *
   * @param signedData the raw commit without its signature header
   * @param signature the signature, or {@code null} when the commit is unsigned
   */
  public SignatureVerdict check(byte[] signedData, byte[] signature) {
    if (!isRequired()) {
      return SignatureVerdict.notChecked();
    }
    if (signature == null || signature.length == 0) {
      return new SignatureVerdict(Status.UNSIGNED, "", "", "commit is not signed");
    }
    String format = formatOf(signature);
    for (SignatureVerifier verifier : verifiers) {
      if (verifier.format().equals(format)) {
        try {
          SignatureVerdict verdict = verifier.verify(signedData, signature);
          if (verdict == null || verdict.status() == Status.NOT_CHECKED) {
            return new SignatureVerdict(
                Status.BAD, format, "", "verifier returned no verdict: " + verifier);
          }
          return verdict;
        } catch (RuntimeException e) {
          // A broken verifier must not let a commit through.
          return new SignatureVerdict(
              Status.BAD, format, "", "verifier failed: " + e.getClass().getSimpleName());
        }
      }
    }
    return new SignatureVerdict(
        Status.UNTRUSTED,
        format,
        "",
        "no verifier configured for " + (format.isEmpty() ? "this" : format) + " signatures");
  }

  /** Signature format from its armor header, or empty when unknown. */
  static String formatOf(byte[] signature) {
    String head =
        new String(signature, 0, Math.min(signature.length, 64), StandardCharsets.US_ASCII).strip();
    if (head.startsWith("-----BEGIN PGP SIGNATURE-----")) {
      return SignatureVerifier.OPENPGP;
    }
    if (head.startsWith("-----BEGIN SSH SIGNATURE-----")) {
      return SignatureVerifier.SSH;
    }
    if (head.startsWith("-----BEGIN SIGNED MESSAGE-----")) {
      return SignatureVerifier.X509;
    }
    return "";
  }

  @Override
  public String toString() {
    return isRequired()
        ? "requireSigned" + verifiers.stream().map(SignatureVerifier::format).toList()
        : "none";
  }
}
