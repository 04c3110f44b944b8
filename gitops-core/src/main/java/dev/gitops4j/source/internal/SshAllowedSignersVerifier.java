package dev.gitops4j.source.internal;

import dev.gitops4j.source.SignatureVerdict;
import dev.gitops4j.source.SignatureVerdict.Status;
import dev.gitops4j.source.SignatureVerifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.SignatureVerifier.SignatureVerification;
import org.eclipse.jgit.lib.SignatureVerifier.TrustLevel;
import org.eclipse.jgit.lib.SignatureVerifiers;

/**
 * SSH commit signatures checked by JGit's SSH verifier (from {@code org.eclipse.jgit.ssh.apache})
 * against one OpenSSH allowed-signers file. The file is handed over as {@code
 * gpg.ssh.allowedSignersFile} in a config built here, so no Git config file is read.
 */
public final class SshAllowedSignersVerifier implements SignatureVerifier {

  private final Path allowedSigners;
  private final GpgConfig config;

  public SshAllowedSignersVerifier(Path allowedSignersFile) {
    Objects.requireNonNull(allowedSignersFile, "allowedSignersFile");
    this.allowedSigners = allowedSignersFile.toAbsolutePath().normalize();
    Config cfg = new Config();
    cfg.setString("gpg", null, "format", "ssh");
    cfg.setString("gpg", "ssh", "allowedSignersFile", allowedSigners.toString());
    this.config = new GpgConfig(cfg);
  }

  @Override
  public String format() {
    return SSH;
  }

  @Override
  public SignatureVerdict verify(byte[] signedData, byte[] signature) {
    org.eclipse.jgit.lib.SignatureVerifier jgit = SignatureVerifiers.get(GpgConfig.GpgFormat.SSH);
    if (jgit == null) {
      return verdict(Status.BAD, "", "SSH signature support (org.eclipse.jgit.ssh.apache) missing");
    }
    if (!java.nio.file.Files.isReadable(allowedSigners)) {
      return verdict(
          Status.UNTRUSTED, "", "allowed signers file " + allowedSigners + " is missing");
    }
    SignatureVerification result;
    try {
      // The repository is only used for relative file names; ours is absolute.
      result = jgit.verify(null, config, signedData, signature);
    } catch (IOException | RuntimeException e) {
      return verdict(Status.BAD, "", "SSH signature check failed: " + e.getMessage());
    }
    String key = result.keyFingerprint() == null ? "" : result.keyFingerprint();
    String principal = result.keyUser();
    if (result.verified() && result.trustLevel() == TrustLevel.FULL) {
      return verdict(
          Status.VERIFIED, principal == null ? key : principal + " " + key, "good signature");
    }
    String message = result.message() == null ? "" : result.message();
    if (result.trustLevel() == TrustLevel.UNKNOWN) {
      // JGit reports a cryptographically valid signature by a key absent from the file this way.
      return verdict(Status.UNTRUSTED, key, "valid signature by a key not in " + allowedSigners);
    }
    if (result.expired()) {
      return verdict(Status.UNTRUSTED, key, message);
    }
    return verdict(Status.BAD, key, message.isEmpty() ? "signature does not verify" : message);
  }

  private static SignatureVerdict verdict(Status status, String signer, String message) {
    return new SignatureVerdict(status, SSH, signer, message);
  }

  @Override
  public String toString() {
    return "SSH verifier with allowed signers " + allowedSigners;
  }
}
