package dev.gitops4j.source;

import java.util.Objects;

/**
 * Result of checking the signature of a revision against a signature policy.
 *
 * @param status the verdict
 * @param format {@code openpgp}, {@code ssh} or {@code x509}; empty when unsigned
 * @param signer who signed: key fingerprint or principal; empty when unknown
 * @param message human-readable detail
 */
public record SignatureVerdict(Status status, String format, String signer, String message) {

  /** Signature verdicts. */
  public enum Status {
    /** No signature policy applies to this source. */
    NOT_CHECKED,
    /** Signed by an allowed key and the signature is valid. */
    VERIFIED,
    /** The commit carries no signature. */
    UNSIGNED,
    /** Validly signed, but by a key that is not allowed. */
    UNTRUSTED,
    /** The signature does not match the commit, or cannot be parsed. */
    BAD
  }

  public SignatureVerdict {
    Objects.requireNonNull(status, "status");
    format = format == null ? "" : format;
    signer = signer == null ? "" : signer;
    message = message == null ? "" : message;
  }

  public static SignatureVerdict notChecked() {
    return new SignatureVerdict(Status.NOT_CHECKED, "", "", "");
  }

  /** True when the revision may be rendered under the policy that produced this verdict. */
  public boolean isAcceptable() {
    return status == Status.NOT_CHECKED || status == Status.VERIFIED;
  }

  @Override
  public String toString() {
    return status
        + (signer.isEmpty() ? "" : " by " + signer)
        + (message.isEmpty() ? "" : ": " + message);
  }
}
