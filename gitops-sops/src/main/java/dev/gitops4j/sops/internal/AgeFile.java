package dev.gitops4j.sops.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * Decrypts an age v1 file (https://age-encryption.org/v1) for X25519 identities: the header and its
 * stanzas, the header MAC and the STREAM payload. The primitives are Bouncy Castle's.
 */
public final class AgeFile {

  private static final String VERSION_LINE = "age-encryption.org/v1";
  private static final String ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
  private static final String ARMOR_END = "-----END AGE ENCRYPTED FILE-----";
  private static final String X25519_INFO = "age-encryption.org/v1/X25519";
  private static final int CHUNK = 64 * 1024;
  private static final int TAG = 16;
  private static final Base64.Decoder RAW_BASE64 = Base64.getDecoder();

  private AgeFile() {}

  /** Thrown when the file is malformed or no identity opens it; the message is safe to show. */
  public static final class AgeException extends Exception {
    AgeException(String message) {
      super(message);
    }
  }

  /**
   * The plaintext of {@code file} (binary or ASCII-armored), opened by one of {@code identities}.
   */
  public static byte[] decrypt(byte[] file, List<AgeIdentity> identities) throws AgeException {
    byte[] binary = dearmor(file);
    Header header = parseHeader(binary);
    byte[] fileKey = null;
    for (Stanza stanza : header.stanzas()) {
      if (!stanza.type().equals("X25519")) {
        continue;
      }
      for (AgeIdentity identity : identities) {
        fileKey = unwrap(stanza, identity);
        if (fileKey != null) {
          break;
        }
      }
      if (fileKey != null) {
        break;
      }
    }
    if (fileKey == null) {
      throw new AgeException("no configured age identity matches a recipient of the file");
    }
    byte[] macKey = hkdf(fileKey, new byte[0], "header");
    HMac hmac = new HMac(new SHA256Digest());
    hmac.init(new KeyParameter(macKey));
    byte[] macInput = Arrays.copyOfRange(binary, 0, header.macInputEnd());
    hmac.update(macInput, 0, macInput.length);
    byte[] expected = new byte[hmac.getMacSize()];
    hmac.doFinal(expected, 0);
    if (!MessageDigest.isEqual(expected, header.mac())) {
      throw new AgeException("age header MAC mismatch (the file was changed)");
    }
    return payload(fileKey, Arrays.copyOfRange(binary, header.payloadStart(), binary.length));
  }

  private record Stanza(String type, List<String> args, byte[] body) {}

  private record Header(List<Stanza> stanzas, int macInputEnd, byte[] mac, int payloadStart) {}

  private static byte[] dearmor(byte[] file) throws AgeException {
    String text = new String(file, StandardCharsets.ISO_8859_1).strip();
    if (!text.startsWith(ARMOR_BEGIN)) {
      return file;
    }
    if (!text.endsWith(ARMOR_END)) {
      throw new AgeException("age armor has no end line");
    }
    String body = text.substring(ARMOR_BEGIN.length(), text.length() - ARMOR_END.length());
    try {
      return Base64.getMimeDecoder().decode(body.strip());
    } catch (IllegalArgumentException e) {
      throw new AgeException("age armor is not valid base64");
    }
  }

  private static Header parseHeader(byte[] file) throws AgeException {
    int[] position = {0};
    String version = line(file, position);
    if (!VERSION_LINE.equals(version)) {
      throw new AgeException("not an age v1 file");
    }
    List<Stanza> stanzas = new ArrayList<>();
    while (true) {
      int lineStart = position[0];
      String line = line(file, position);
      if (line.startsWith("--- ")) {
        byte[] mac = rawBase64(line.substring(4));
        // The MAC covers the header up to and including "---".
        return new Header(stanzas, lineStart + 3, mac, position[0]);
      }
      if (!line.startsWith("-> ")) {
        throw new AgeException("malformed age header line");
      }
      String[] parts = line.substring(3).split(" ", -1);
      List<String> args = List.of(parts).subList(1, parts.length);
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String bodyLine = line(file, position);
        if (bodyLine.length() > 64) {
          throw new AgeException("age stanza body line longer than 64 columns");
        }
        body.writeBytes(rawBase64(bodyLine));
        if (bodyLine.length() < 64) {
          break;
        }
      }
      stanzas.add(new Stanza(parts[0], args, body.toByteArray()));
    }
  }

  private static String line(byte[] file, int[] position) throws AgeException {
    int start = position[0];
    for (int i = start; i < file.length; i++) {
      if (file[i] == '\n') {
        position[0] = i + 1;
        return new String(file, start, i - start, StandardCharsets.US_ASCII);
      }
    }
    throw new AgeException("age header ends early");
  }

  private static byte[] rawBase64(String text) throws AgeException {
    if (text.endsWith("=")) {
      throw new AgeException("age header uses padded base64");
    }
    try {
      return RAW_BASE64.decode(text);
    } catch (IllegalArgumentException e) {
      throw new AgeException("age header has invalid base64");
    }
  }

  /** The file key, or null when the stanza is not for {@code identity}. */
  private static byte[] unwrap(Stanza stanza, AgeIdentity identity) throws AgeException {
    if (stanza.args().size() != 1 || stanza.body().length != 32) {
      throw new AgeException("malformed age X25519 stanza");
    }
    byte[] share = rawBase64(stanza.args().get(0));
    if (share.length != 32) {
      throw new AgeException("malformed age X25519 stanza");
    }
    byte[] shared = new byte[32];
    X25519Agreement agreement = new X25519Agreement();
    agreement.init(identity.secret());
    try {
      agreement.calculateAgreement(new X25519PublicKeyParameters(share, 0), shared, 0);
    } catch (IllegalStateException e) {
      // An all-zero shared secret: a low-order point, refused by age too.
      throw new AgeException("invalid age X25519 share");
    }
    byte[] salt = new byte[64];
    System.arraycopy(share, 0, salt, 0, 32);
    System.arraycopy(identity.publicKey(), 0, salt, 32, 32);
    byte[] wrapKey = hkdf(shared, salt, X25519_INFO);
    try {
      return chacha(wrapKey, new byte[12], stanza.body());
    } catch (InvalidCipherTextException e) {
      return null;
    }
  }

  private static byte[] payload(byte[] fileKey, byte[] payload) throws AgeException {
    if (payload.length < 16 + TAG) {
      throw new AgeException("age payload too short");
    }
    byte[] nonce = Arrays.copyOfRange(payload, 0, 16);
    byte[] key = hkdf(fileKey, nonce, "payload");
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    int offset = 16;
    long counter = 0;
    while (true) {
      int remaining = payload.length - offset;
      boolean last = remaining <= CHUNK + TAG;
      int length = last ? remaining : CHUNK + TAG;
      byte[] chunkNonce = new byte[12];
      for (int i = 0; i < 8; i++) {
        chunkNonce[10 - i] = (byte) (counter >>> (8 * i));
      }
      chunkNonce[11] = (byte) (last ? 1 : 0);
      try {
        plain.writeBytes(
            chacha(key, chunkNonce, Arrays.copyOfRange(payload, offset, offset + length)));
      } catch (InvalidCipherTextException e) {
        throw new AgeException("age payload authentication failed (the file was changed)");
      }
      if (last) {
        return plain.toByteArray();
      }
      offset += length;
      counter++;
    }
  }

  private static byte[] hkdf(byte[] ikm, byte[] salt, String info) {
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
    generator.init(new HKDFParameters(ikm, salt, info.getBytes(StandardCharsets.US_ASCII)));
    byte[] out = new byte[32];
    generator.generateBytes(out, 0, out.length);
    return out;
  }

  private static byte[] chacha(byte[] key, byte[] nonce, byte[] sealed)
      throws InvalidCipherTextException {
    ChaCha20Poly1305 cipher = new ChaCha20Poly1305();
    cipher.init(false, new AEADParameters(new KeyParameter(key), 128, nonce));
    byte[] out = new byte[cipher.getOutputSize(sealed.length)];
    int n = cipher.processBytes(sealed, 0, sealed.length, out, 0);
    n += cipher.doFinal(out, n);
    return n == out.length ? out : Arrays.copyOf(out, n);
  }
}
