package dev.gitops4j.sops.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;
import org.bouncycastle.util.encoders.Hex;

/**
 * OpenPGP secret keys (a key ring exported by {@code gpg --export-secret-keys}) that open messages.
 */
public final class PgpSecretKeys {

  private final PGPSecretKeyRingCollection rings;
  private final char[] passphrase;
  private final List<String> fingerprints;

  private PgpSecretKeys(PGPSecretKeyRingCollection rings, char[] passphrase) {
    this.rings = rings;
    this.passphrase = passphrase;
    List<String> prints = new ArrayList<>();
    for (PGPSecretKeyRing ring : rings) {
      prints.add(Hex.toHexString(ring.getPublicKey().getFingerprint()).toUpperCase(Locale.ROOT));
    }
    this.fingerprints = List.copyOf(prints);
  }

  /**
   * Reads a binary or ASCII-armored secret key ring.
   *
   * @param passphrase protects the keys; empty for unprotected keys
   * @throws IllegalArgumentException when it is not a secret key ring
   */
  public static PgpSecretKeys read(byte[] keyRing, char[] passphrase) {
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(keyRing))) {
      PGPSecretKeyRingCollection rings =
          new PGPSecretKeyRingCollection(in, new BcKeyFingerprintCalculator());
      if (rings.size() == 0) {
        throw new IllegalArgumentException("holds no OpenPGP secret key");
      }
      return new PgpSecretKeys(rings, passphrase.clone());
    } catch (IOException | PGPException e) {
      throw new IllegalArgumentException(
          "is not an OpenPGP secret key ring (" + e.getMessage() + ")");
    }
  }

  /** Fingerprints of the primary keys, upper-case hex. */
  public List<String> fingerprints() {
    return fingerprints;
  }

  /** Thrown when a message cannot be opened; the message is safe to show. */
  public static final class PgpException extends Exception {
    PgpException(String message) {
      super(message);
    }
  }

  /** The literal data of an (armored) OpenPGP message encrypted to one of these keys. */
  public byte[] decrypt(byte[] message) throws PgpException {
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(message))) {
      BcPGPObjectFactory factory = new BcPGPObjectFactory(in);
      Object object = factory.nextObject();
      while (object != null && !(object instanceof PGPEncryptedDataList)) {
        object = factory.nextObject();
      }
      if (object == null) {
        throw new PgpException("not an OpenPGP encrypted message");
      }
      Iterator<PGPEncryptedData> encrypted = ((PGPEncryptedDataList) object).iterator();
      while (encrypted.hasNext()) {
        if (encrypted.next() instanceof PGPPublicKeyEncryptedData data) {
          if (data.getKeyIdentifier().isWildcard()) {
            // A hidden recipient (gpg --throw-keyids): try every secret key.
            for (PGPSecretKeyRing ring : rings) {
              for (PGPSecretKey secret : ring) {
                if (!secret.isPrivateKeyEmpty() && secret.getPublicKey().isEncryptionKey()) {
                  try {
                    return open(data, secret);
                  } catch (PGPException | PgpException | RuntimeException notThisKey) {
                    // Next key. A session key sealed for a larger modulus makes Bouncy Castle
                    // throw an unchecked DataLengthException rather than fail to decrypt.
                  }
                }
              }
            }
            continue;
          }
          PGPSecretKey secret = rings.getSecretKey(data.getKeyIdentifier().getKeyId());
          if (secret != null) {
            return open(data, secret);
          }
        }
      }
      throw new PgpException("no configured OpenPGP secret key matches a recipient");
    } catch (IOException | PGPException e) {
      throw new PgpException("cannot read the OpenPGP message (" + e.getMessage() + ")");
    }
  }

  private byte[] open(PGPPublicKeyEncryptedData data, PGPSecretKey secret)
      throws PGPException, IOException, PgpException {
    PGPPrivateKey key;
    try {
      key =
          secret.extractPrivateKey(
              new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider())
                  .build(passphrase));
    } catch (PGPException e) {
      throw new PgpException("cannot unlock the OpenPGP secret key (wrong passphrase?)");
    }
    InputStream clear = data.getDataStream(new BcPublicKeyDataDecryptorFactory(key));
    Object object = new BcPGPObjectFactory(clear).nextObject();
    if (object instanceof PGPCompressedData compressed) {
      object = new BcPGPObjectFactory(compressed.getDataStream()).nextObject();
    }
    if (!(object instanceof PGPLiteralData literal)) {
      throw new PgpException("the OpenPGP message holds no literal data");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    literal.getInputStream().transferTo(out);
    // Reading to the end checks an AEAD (OCB, GCM) message's final tag; older messages carry an
    // MDC checked by verify().
    clear.transferTo(OutputStream.nullOutputStream());
    if (!data.isAEAD() && !(data.isIntegrityProtected() && data.verify())) {
      throw new PgpException(
          "the OpenPGP message is not integrity protected or fails its integrity check");
    }
    return out.toByteArray();
  }

  @Override
  public String toString() {
    return "OpenPGP keys " + fingerprints;
  }
}
