package dev.gitops4j.source.internal;

import dev.gitops4j.source.SignatureVerdict;
import dev.gitops4j.source.SignatureVerdict.Status;
import dev.gitops4j.source.SignatureVerifier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;

/**
 * OpenPGP commit signatures checked with Bouncy Castle against key rings given in memory. The
 * provider instance is private to this class; nothing is registered in {@link java.security}.
 */
public final class OpenPgpVerifier implements SignatureVerifier {

  private static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();

  private final Set<String> allowed;
  private final List<PGPPublicKeyRing> rings;

  public OpenPgpVerifier(Collection<String> allowedFingerprints, Collection<String> armoredRings) {
    for (String fingerprint : allowedFingerprints) {
      if (!normalize(fingerprint).matches("[0-9A-F]{40}|[0-9A-F]{64}")) {
        throw new IllegalArgumentException(
            "not an OpenPGP fingerprint (40 or 64 hex digits): '" + fingerprint + "'");
      }
    }
    this.allowed =
        allowedFingerprints.stream().map(OpenPgpVerifier::normalize).collect(Collectors.toSet());
    if (allowed.isEmpty()) {
      throw new IllegalArgumentException("at least one allowed OpenPGP fingerprint is required");
    }
    List<PGPPublicKeyRing> parsed = new ArrayList<>();
    for (String armored : armoredRings) {
      parsed.addAll(parseRings(armored));
    }
    if (parsed.isEmpty()) {
      throw new IllegalArgumentException("no OpenPGP public key ring given");
    }
    this.rings = List.copyOf(parsed);
  }

  private static List<PGPPublicKeyRing> parseRings(String armored) {
    try (InputStream in =
        PGPUtil.getDecoderStream(
            new ByteArrayInputStream(armored.getBytes(StandardCharsets.US_ASCII)))) {
      PGPPublicKeyRingCollection collection =
          new PGPPublicKeyRingCollection(in, new JcaKeyFingerprintCalculator());
      List<PGPPublicKeyRing> out = new ArrayList<>();
      collection.getKeyRings().forEachRemaining(out::add);
      return out;
    } catch (IOException | PGPException e) {
      throw new IllegalArgumentException(
          "cannot parse OpenPGP public key ring: " + e.getMessage(), e);
    }
  }

  static String normalize(String fingerprint) {
    return fingerprint.replaceAll("\\s+", "").toUpperCase(Locale.ROOT);
  }

  @Override
  public String format() {
    return OPENPGP;
  }

  @Override
  public SignatureVerdict verify(byte[] signedData, byte[] signature) {
    PGPSignature sig;
    try {
      sig = parseSignature(signature);
    } catch (IOException | PGPException | RuntimeException e) {
      return verdict(Status.BAD, "", "cannot parse OpenPGP signature: " + e.getMessage());
    }
    if (sig == null) {
      return verdict(Status.BAD, "", "no OpenPGP signature packet found");
    }
    long keyId = sig.getKeyID();
    String keyIdHex = String.format(Locale.ROOT, "%016X", keyId);
    for (PGPPublicKeyRing ring : rings) {
      PGPPublicKey key = ring.getPublicKey(keyId);
      if (key == null) {
        continue;
      }
      String keyFingerprint = HexFormat.of().withUpperCase().formatHex(key.getFingerprint());
      String primaryFingerprint =
          HexFormat.of().withUpperCase().formatHex(ring.getPublicKey().getFingerprint());
      boolean valid;
      try {
        sig.init(new JcaPGPContentVerifierBuilderProvider().setProvider(PROVIDER), key);
        sig.update(signedData);
        valid = sig.verify();
      } catch (PGPException | RuntimeException e) {
        return verdict(Status.BAD, keyFingerprint, "signature check failed: " + e.getMessage());
      }
      if (!valid) {
        return verdict(Status.BAD, keyFingerprint, "signature does not match the commit content");
      }
      if (!allowed.contains(keyFingerprint) && !allowed.contains(primaryFingerprint)) {
        return verdict(
            Status.UNTRUSTED, keyFingerprint, "valid signature by a key that is not allowed");
      }
      if (key.hasRevocation() || ring.getPublicKey().hasRevocation()) {
        return verdict(Status.UNTRUSTED, keyFingerprint, "signing key is revoked");
      }
      // Judged at the signature's creation time, as git and gpg do: commits signed while the key
      // was valid stay valid (rollbacks to them keep working), later ones are refused.
      Instant signedAt = sig.getCreationTime().toInstant();
      Instant expired = firstExpiry(key, ring.getPublicKey());
      if (expired != null && signedAt.isAfter(expired)) {
        return verdict(
            Status.UNTRUSTED,
            keyFingerprint,
            "signed " + signedAt + ", after the signing key expired (" + expired + ")");
      }
      return verdict(Status.VERIFIED, keyFingerprint, "good signature");
    }
    return verdict(
        Status.UNTRUSTED,
        keyIdHex,
        "signed by key id " + keyIdHex + ", which is not in the key rings");
  }

  /** The earliest expiry of the signing key and its primary key, or null if neither expires. */
  private static Instant firstExpiry(PGPPublicKey... keys) {
    Instant first = null;
    for (PGPPublicKey key : keys) {
      long validSeconds = key.getValidSeconds();
      if (validSeconds > 0) {
        Instant expiry = key.getCreationTime().toInstant().plusSeconds(validSeconds);
        first = first == null || expiry.isBefore(first) ? expiry : first;
      }
    }
    return first;
  }

  private static PGPSignature parseSignature(byte[] armored) throws IOException, PGPException {
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armored))) {
      JcaPGPObjectFactory factory = new JcaPGPObjectFactory(in);
      Object object = factory.nextObject();
      while (object != null && !(object instanceof PGPSignatureList)) {
        object = factory.nextObject();
      }
      if (object == null) {
        return null;
      }
      Iterator<PGPSignature> it = ((PGPSignatureList) object).iterator();
      return it.hasNext() ? it.next() : null;
    }
  }

  private static SignatureVerdict verdict(Status status, String signer, String message) {
    return new SignatureVerdict(status, OPENPGP, signer, message);
  }

  @Override
  public String toString() {
    return "OpenPGP verifier for " + allowed.size() + " allowed key(s)";
  }
}
