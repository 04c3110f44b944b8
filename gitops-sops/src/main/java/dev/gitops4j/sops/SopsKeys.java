package dev.gitops4j.sops;

import dev.gitops4j.sops.internal.AgeIdentity;
import dev.gitops4j.sops.internal.PgpSecretKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The private keys that open SOPS data keys: age X25519 identities and OpenPGP secret keys. Always
 * supplied by the embedding service (files, environment, a secret store), never read from Git.
 * Immutable; keys are checked when built, and no method ever shows key material ({@link
 * #toString()} lists only public recipients and fingerprints).
 */
public final class SopsKeys {

  private final List<AgeIdentity> ageIdentities;
  private final List<PgpSecretKeys> pgpKeys;

  private SopsKeys(Builder builder) {
    this.ageIdentities = List.copyOf(builder.ageIdentities);
    this.pgpKeys = List.copyOf(builder.pgpKeys);
  }

  public static Builder custom() {
    return new Builder();
  }

  /**
   * The keys the {@code sops} command would read from the environment: age identities in {@code
   * SOPS_AGE_KEY} and in the file named by {@code SOPS_AGE_KEY_FILE}.
   *
   * @throws IllegalArgumentException when neither is set or a key is malformed
   */
  public static SopsKeys fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  static SopsKeys fromEnvironment(Map<String, String> env) {
    Builder builder = custom();
    String inline = env.get("SOPS_AGE_KEY");
    if (inline != null && !inline.isBlank()) {
      builder.ageKeys(inline);
    }
    String file = env.get("SOPS_AGE_KEY_FILE");
    if (file != null && !file.isBlank()) {
      builder.ageKeyFile(Path.of(file));
    }
    return builder.build();
  }

  /** Public recipients ({@code age1...}) of the age identities. */
  public List<String> ageRecipients() {
    return ageIdentities.stream().map(AgeIdentity::recipient).toList();
  }

  /** Fingerprints of the OpenPGP primary keys, upper-case hex. */
  public List<String> pgpFingerprints() {
    return pgpKeys.stream().flatMap(k -> k.fingerprints().stream()).toList();
  }

  List<AgeIdentity> ageIdentities() {
    return ageIdentities;
  }

  List<PgpSecretKeys> pgpKeys() {
    return pgpKeys;
  }

  @Override
  public String toString() {
    return "SopsKeys[age " + ageRecipients() + ", pgp " + pgpFingerprints() + "]";
  }

  /** Builder for {@link SopsKeys}; every method checks its keys at once. */
  public static final class Builder {
    private final List<AgeIdentity> ageIdentities = new ArrayList<>();
    private final List<PgpSecretKeys> pgpKeys = new ArrayList<>();

    private Builder() {}

    /**
     * age identities as {@code age-keygen} writes them: one {@code AGE-SECRET-KEY-1...} a line,
     * {@code #} comments and blank lines ignored.
     *
     * @throws IllegalArgumentException naming the line when one is not an age X25519 identity
     */
    public Builder ageKeys(String identities) {
      Objects.requireNonNull(identities, "identities");
      addAgeKeys(identities, "age keys");
      return this;
    }

    /** age identities read from {@code file} (format of {@link #ageKeys}). */
    public Builder ageKeyFile(Path file) {
      Objects.requireNonNull(file, "file");
      addAgeKeys(read(file), file.toString());
      return this;
    }

    /**
     * An unprotected OpenPGP secret key ring ({@code gpg --export-secret-keys}, binary or armored).
     */
    public Builder pgpSecretKeyRing(Path file) {
      return pgpSecretKeyRing(file, new char[0]);
    }

    /** An OpenPGP secret key ring whose keys are protected by {@code passphrase} (copied). */
    public Builder pgpSecretKeyRing(Path file, char[] passphrase) {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(passphrase, "passphrase");
      byte[] content;
      try {
        content = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read OpenPGP key ring " + file, e);
      }
      try {
        pgpKeys.add(PgpSecretKeys.read(content, passphrase));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " " + e.getMessage());
      }
      return this;
    }

    /**
     * @throws IllegalArgumentException when no key was added
     */
    public SopsKeys build() {
      if (ageIdentities.isEmpty() && pgpKeys.isEmpty()) {
        throw new IllegalArgumentException(
            "no SOPS keys: add age identities or an OpenPGP secret key ring");
      }
      return new SopsKeys(this);
    }

    private void addAgeKeys(String text, String where) {
      String[] lines = text.split("\\R");
      int added = 0;
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i].strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        try {
          ageIdentities.add(AgeIdentity.parse(line));
          added++;
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(where + ":" + (i + 1) + ": " + e.getMessage());
        }
      }
      if (added == 0) {
        throw new IllegalArgumentException(where + " holds no age identity");
      }
    }

    private static String read(Path file) {
      try {
        return Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read age key file " + file, e);
      }
    }
  }
}
