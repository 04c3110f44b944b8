package dev.gitops4j.sops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.Problem;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.render.Renderer;
import dev.gitops4j.sops.internal.AgeFile;
import dev.gitops4j.sops.internal.AgeIdentity;
import dev.gitops4j.sops.internal.PgpSecretKeys;
import dev.gitops4j.sops.internal.SopsFile;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decrypts SOPS-encrypted files in-process, without the {@code sops} binary: YAML and JSON
 * documents, dotenv files ({@code .env}) and files SOPS encrypted whole (its binary format).
 * Immutable configuration, thread-safe; start from {@link #of(SopsKeys)} or {@link #custom}.
 *
 * <p>A YAML or JSON file is SOPS-encrypted when its documents carry a {@code sops} mapping with a
 * {@code mac}; a dotenv file when it has a {@code sops_mac} line. Its data key is opened with an
 * age X25519 identity or an OpenPGP secret key of the {@link SopsKeys}; each value the file's rules
 * ({@code encrypted_regex}, {@code unencrypted_suffix} and the others SOPS writes) mark as
 * encrypted is decrypted and authenticated with its key path, and the MAC over all values is
 * verified, so a changed, moved, added or removed value is refused. The plaintext is written back
 * in place: values keep their lines, the {@code sops} block becomes blank lines.
 *
 * <p>Every problem names the file, line and key path, never a value. Decrypted files are remembered
 * by path and content (up to 1,000 files), so an unchanged revision is not decrypted again.
 */
public final class SopsDecryptor {

  private static final Logger LOG = LoggerFactory.getLogger(SopsDecryptor.class);
  private static final int CACHED_FILES = 1_000;

  private final SopsKeys keys;
  private final Set<String> onlyKinds;
  // Path and content hash -> the file to render (the input itself when it is not SOPS-encrypted).
  private final Map<String, Entry> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
          return size() > CACHED_FILES;
        }
      };

  private SopsDecryptor(Builder builder) {
    this.keys = builder.keys;
    this.onlyKinds = builder.onlyKinds;
  }

  /** A decryptor with {@code keys} that accepts encrypted values in any document. */
  public static SopsDecryptor of(SopsKeys keys) {
    return custom(keys).build();
  }

  public static Builder custom(SopsKeys keys) {
    return new Builder(keys);
  }

  /** True when {@code file} may be SOPS-encrypted (cheap: it holds an encrypted value). */
  public static boolean mayBeEncrypted(SourceFile file) {
    return SopsFile.mayBeEncrypted(file);
  }

  /**
   * The plaintext of {@code file}, or {@code file} itself when it is not SOPS-encrypted.
   *
   * @throws InvalidDesiredStateException naming file, line and key path: a wrong or missing key, a
   *     changed value or MAC, a malformed file, or an encrypted document of a kind not allowed
   */
  public SourceFile decrypt(SourceFile file) throws InvalidDesiredStateException {
    Objects.requireNonNull(file, "file");
    if (!SopsFile.mayBeEncrypted(file)) {
      return file;
    }
    String cacheKey = file.path() + "\0" + sha256(file.content());
    Entry entry;
    synchronized (cache) {
      entry = cache.get(cacheKey);
    }
    if (entry == null) {
      SopsFile.Decrypted decrypted = SopsFile.decrypt(file, this::dataKey);
      if (decrypted == null) {
        entry = new Entry(file, Set.of());
      } else {
        checkKinds(file, decrypted);
        entry = new Entry(decrypted.file(), decrypted.values());
        LOG.debug("decrypted SOPS file {}", file.path());
      }
      synchronized (cache) {
        cache.put(cacheKey, entry);
      }
    }
    SourceFile plain = entry.file();
    // The same content as the input when the file was not encrypted: hand back the input itself.
    return plain.content() == file.content() || plain.equals(file) ? file : plain;
  }

  /**
   * {@code snapshot} with every SOPS-encrypted file decrypted; the same instance when none is.
   *
   * @throws InvalidDesiredStateException listing the problems of every file that fails
   */
  public Snapshot decrypt(Snapshot snapshot) throws InvalidDesiredStateException {
    List<Problem> problems = new ArrayList<>();
    List<SourceFile> files = new ArrayList<>(snapshot.files().size());
    boolean changed = false;
    for (SourceFile file : snapshot.files()) {
      try {
        SourceFile plain = decrypt(file);
        changed |= plain != file;
        files.add(plain);
      } catch (InvalidDesiredStateException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidDesiredStateException(problems);
    }
    return changed ? new Snapshot(snapshot.revision(), snapshot.commit(), files) : snapshot;
  }

  /**
   * {@code text} with every value this decryptor decrypted (of the files it remembers; values of at
   * least 4 characters, also in base64) replaced by {@code <redacted>}. For messages of tools that
   * read plaintext after decryption (kustomize, helm, the API server): they never quote a value.
   */
  public String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    List<String> values = new ArrayList<>();
    synchronized (cache) {
      cache.values().forEach(e -> values.addAll(e.values()));
    }
    // Longest first, so a value containing another is hidden whole.
    values.sort(java.util.Comparator.comparingInt(String::length).reversed());
    String redacted = text;
    for (String value : values) {
      if (value.length() >= 4) {
        redacted = redacted.replace(value, "<redacted>");
        String base64 =
            java.util.Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
        redacted = redacted.replace(base64, "<redacted>");
      }
    }
    return redacted;
  }

  private record Entry(SourceFile file, Set<String> values) {}

  /**
   * {@code renderer} behind this decryptor: each snapshot is decrypted before {@code renderer} sees
   * it, e.g. {@code decryptor.decrypting(ManifestRenderer.ofDefaults())} for a custom target.
   */
  public Renderer decrypting(Renderer renderer) {
    Objects.requireNonNull(renderer, "renderer");
    return snapshot -> renderer.render(decrypt(snapshot));
  }

  private void checkKinds(SourceFile file, SopsFile.Decrypted decrypted)
      throws InvalidDesiredStateException {
    if (onlyKinds == null) {
      return;
    }
    for (int i = 0; i < decrypted.documents().size(); i++) {
      String kind = decrypted.documents().get(i).path("kind").asText("");
      // A document without a kind is no object (Helm values, a generator's input): not checked.
      if (decrypted.encryptedDocuments().get(i) && !kind.isEmpty() && !onlyKinds.contains(kind)) {
        throw new InvalidDesiredStateException(
            new Problem(
                dev.gitops4j.model.Origin.of(file.path(), 0),
                "SOPS: document "
                    + (i + 1)
                    + " of kind '"
                    + kind
                    + "' holds encrypted values, but only "
                    + onlyKinds
                    + " may: its values would show in diffs and history"));
      }
    }
  }

  /** Opens the data key with the first matching age identity or OpenPGP key. */
  private byte[] dataKey(JsonNode metadata) throws SopsFile.KeyUnavailableException {
    List<JsonNode> age = new ArrayList<>();
    List<JsonNode> pgp = new ArrayList<>();
    JsonNode groups = metadata.path("key_groups");
    if (groups.isArray() && groups.size() > 0) {
      if (groups.size() > 1) {
        throw new SopsFile.KeyUnavailableException(
            "the file splits its data key over "
                + groups.size()
                + " key groups (Shamir), which is not supported");
      }
      groups.get(0).path("age").forEach(age::add);
      groups.get(0).path("pgp").forEach(pgp::add);
    } else {
      metadata.path("age").forEach(age::add);
      metadata.path("pgp").forEach(pgp::add);
    }
    List<String> tried = new ArrayList<>();
    for (JsonNode entry : age) {
      String recipient = entry.path("recipient").asText("");
      tried.add(recipient);
      List<AgeIdentity> candidates =
          keys.ageIdentities().stream().filter(i -> i.recipient().equals(recipient)).toList();
      if (candidates.isEmpty()) {
        continue;
      }
      try {
        return dataKeyBytes(
            AgeFile.decrypt(
                entry.path("enc").asText("").getBytes(StandardCharsets.UTF_8), candidates));
      } catch (AgeFile.AgeException e) {
        throw new SopsFile.KeyUnavailableException(
            "age recipient " + recipient + ": " + e.getMessage());
      }
    }
    for (JsonNode entry : pgp) {
      String fingerprint = entry.path("fp").asText("");
      tried.add("PGP " + fingerprint);
      for (PgpSecretKeys ring : keys.pgpKeys()) {
        try {
          return dataKeyBytes(
              ring.decrypt(entry.path("enc").asText("").getBytes(StandardCharsets.UTF_8)));
        } catch (PgpSecretKeys.PgpException e) {
          if (ring.fingerprints().stream().anyMatch(f -> f.equalsIgnoreCase(fingerprint))) {
            throw new SopsFile.KeyUnavailableException(
                "PGP key " + fingerprint + ": " + e.getMessage());
          }
        }
      }
    }
    List<String> others = new ArrayList<>();
    for (String type : List.of("kms", "gcp_kms", "azure_kv", "hc_vault")) {
      if (metadata.path(type).size() > 0) {
        others.add(type);
      }
    }
    throw new SopsFile.KeyUnavailableException(
        "no configured key matches its recipients "
            + tried
            + (others.isEmpty() ? "" : " (also encrypted for " + others + ", not supported)")
            + "; configured: "
            + keys);
  }

  private static byte[] dataKeyBytes(byte[] key) throws SopsFile.KeyUnavailableException {
    if (key.length != 32) {
      Arrays.fill(key, (byte) 0);
      throw new SopsFile.KeyUnavailableException("the data key is not 32 bytes long");
    }
    return key;
  }

  private static String sha256(byte[] content) {
    try {
      return java.util.HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "SopsDecryptor[" + keys + (onlyKinds == null ? "" : ", only kinds " + onlyKinds) + "]";
  }

  /** Builder for {@link SopsDecryptor}. */
  public static final class Builder {
    private final SopsKeys keys;
    private Set<String> onlyKinds;

    private Builder(SopsKeys keys) {
      this.keys = Objects.requireNonNull(keys, "keys");
    }

    /**
     * Refuses a decrypted YAML or JSON document holding encrypted values unless its top-level
     * {@code kind} is one of {@code kinds}, e.g. {@code Secret}: values of other kinds would not be
     * redacted. Documents without a {@code kind} (Helm values, generator inputs), dotenv and binary
     * files are not checked.
     */
    public Builder onlyKinds(String... kinds) {
      if (kinds.length == 0) {
        throw new IllegalArgumentException("name at least one kind");
      }
      this.onlyKinds = Set.of(kinds);
      return this;
    }

    public SopsDecryptor build() {
      return new SopsDecryptor(this);
    }
  }
}
