package dev.gitops4j.source;

import dev.gitops4j.source.internal.OpenPgpVerifier;
import dev.gitops4j.source.internal.SshAllowedSignersVerifier;
import java.nio.file.Path;
import java.util.Collection;

/**
 * Checks the signature of one commit. Extension point: register your own through {@link
 * SignaturePolicy#requireSigned(SignatureVerifier...)}; the built-in ones come from {@link
 * #openPgp(Collection, Collection)} and {@link #sshAllowedSigners(Path)}.
 *
 * <p>Implementations must be thread-safe and must not throw for a bad signature: they return a
 * {@link SignatureVerdict} with status {@code BAD} or {@code UNTRUSTED} instead.
 */
public interface SignatureVerifier {

  /** OpenPGP signatures ({@code -----BEGIN PGP SIGNATURE-----}). */
  String OPENPGP = "openpgp";

  /** SSH signatures ({@code -----BEGIN SSH SIGNATURE-----}). */
  String SSH = "ssh";

  /** X.509 (S/MIME) signatures ({@code -----BEGIN SIGNED MESSAGE-----}). */
  String X509 = "x509";

  /**
   * The signature format this verifier handles: {@link #OPENPGP}, {@link #SSH} or {@link #X509}.
   */
  String format();

  /**
   * Verifies {@code signature} over {@code signedData}.
   *
   * @param signedData the raw commit object without its signature header
   * @param signature the armored signature taken from the commit
   * @return {@code VERIFIED}, {@code UNTRUSTED} (valid, but not by an allowed key) or {@code BAD}
   */
  SignatureVerdict verify(byte[] signedData, byte[] signature);

  /**
   * OpenPGP verifier trusting exactly the given keys.
   *
   * @param allowedFingerprints hex fingerprints of the allowed keys (primary key or signing
   *     subkey); spaces and case are ignored
   * @param armoredPublicKeyRings ASCII-armored public key rings holding those keys; the user's
   *     GnuPG keyring is never consulted
   */
  static SignatureVerifier openPgp(
      Collection<String> allowedFingerprints, Collection<String> armoredPublicKeyRings) {
    return new OpenPgpVerifier(allowedFingerprints, armoredPublicKeyRings);
  }

  /**
   * SSH signature verifier using an OpenSSH allowed-signers file (the format of {@code ssh-keygen
   * -Y verify}, as in Git's {@code gpg.ssh.allowedSignersFile}).
   */
  static SignatureVerifier sshAllowedSigners(Path allowedSignersFile) {
    return new SshAllowedSignersVerifier(allowedSignersFile);
  }
}
