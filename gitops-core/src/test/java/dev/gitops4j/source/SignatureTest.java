package dev.gitops4j.source;

import static dev.gitops4j.source.TestRepo.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.source.SignatureVerdict.Status;
import dev.gitops4j.source.SourceException.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Signers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signature policies on real signed commits: OpenPGP keys made with Bouncy Castle, SSH keys. */
class SignatureTest {

  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  static PgpKey alice;
  static PgpKey mallory;

  @TempDir Path tmp;
  TestRepo remote;

  /** An OpenPGP key pair with its armored public key ring. */
  record PgpKey(PGPKeyPair pair, String armoredPublicRing, String fingerprint) {

    static PgpKey generate(String userId) throws Exception {
      return generate(userId, new Date(), 0);
    }

    /** A key created at {@code created} that expires {@code validSeconds} later (0: never). */
    static PgpKey generate(String userId, Date created, long validSeconds) throws Exception {
      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(2048);
      PGPKeyPair pair =
          new JcaPGPKeyPair(
              org.bouncycastle.bcpg.PublicKeyPacket.VERSION_4,
              PGPPublicKey.RSA_GENERAL,
              rsa.generateKeyPair(),
              created);
      org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator hashed =
          new org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator();
      if (validSeconds > 0) {
        hashed.setKeyExpirationTime(false, validSeconds);
      }
      PGPDigestCalculator sha1 =
          new JcaPGPDigestCalculatorProviderBuilder()
              .setProvider(BC)
              .build()
              .get(HashAlgorithmTags.SHA1);
      PGPKeyRingGenerator rings =
          new PGPKeyRingGenerator(
              PGPSignature.POSITIVE_CERTIFICATION,
              pair,
              userId,
              sha1,
              hashed.generate(),
              null,
              new JcaPGPContentSignerBuilder(PGPPublicKey.RSA_GENERAL, HashAlgorithmTags.SHA256)
                  .setProvider(BC),
              null);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ArmoredOutputStream armored = new ArmoredOutputStream(out)) {
        rings.generatePublicKeyRing().encode(armored);
      }
      String fingerprint =
          HexFormat.of().withUpperCase().formatHex(pair.getPublicKey().getFingerprint());
      return new PgpKey(pair, out.toString(StandardCharsets.US_ASCII), fingerprint);
    }

    byte[] sign(byte[] payload) throws Exception {
      PGPSignatureGenerator generator =
          new PGPSignatureGenerator(
              new JcaPGPContentSignerBuilder(PGPPublicKey.RSA_GENERAL, HashAlgorithmTags.SHA256)
                  .setProvider(BC),
              pair.getPublicKey());
      generator.init(PGPSignature.BINARY_DOCUMENT, pair.getPrivateKey());
      generator.update(payload);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ArmoredOutputStream armored = new ArmoredOutputStream(out)) {
        generator.generate().encode(armored);
      }
      return out.toByteArray();
    }
  }

  @BeforeAll
  static void keys() throws Exception {
    alice = PgpKey.generate("Alice <alice@example.com>");
    mallory = PgpKey.generate("Mallory <mallory@example.com>");
  }

  @BeforeEach
  void setUp() throws Exception {
    remote = TestRepo.create(tmp.resolve("remote.git"));
  }

  GitSource source(SignaturePolicy policy) {
    return GitSource.builder(remote.fileUrl())
        .cacheDir(tmp.resolve("cache"))
        .signaturePolicy(policy)
        .build();
  }

  SignaturePolicy trustAlice() {
    return SignaturePolicy.requireSigned(
        SignatureVerifier.openPgp(
            List.of(alice.fingerprint()),
            List.of(alice.armoredPublicRing(), mallory.armoredPublicRing())));
  }

  @Test
  void openPgpSignedByAllowedKeyIsVerified() throws Exception {
    String id = remote.commit("main", files("app.yaml", "a"), "signed", alice::sign);
    Snapshot snapshot = source(trustAlice()).fetch();
    assertThat(snapshot.revision()).isEqualTo(id);
    SignatureVerdict verdict = snapshot.commit().signature();
    assertThat(verdict.status()).isEqualTo(Status.VERIFIED);
    assertThat(verdict.format()).isEqualTo("openpgp");
    assertThat(verdict.signer()).isEqualTo(alice.fingerprint());
    assertThat(snapshot.files()).hasSize(1);
  }

  @Test
  void unsignedCommitIsRefused() throws Exception {
    remote.commit("main", files("app.yaml", "a"), "unsigned");
    assertRefused(source(trustAlice()), Status.UNSIGNED);
    // Without a policy the same commit is fine.
    assertThat(source(SignaturePolicy.none()).fetch().commit().signature().status())
        .isEqualTo(Status.NOT_CHECKED);
  }

  @Test
  void commitSignedByAnotherKeyIsUntrusted() throws Exception {
    remote.commit("main", files("app.yaml", "a"), "by mallory", mallory::sign);
    assertRefused(source(trustAlice()), Status.UNTRUSTED);

    // A key that is not even in the key rings is untrusted as well.
    SignaturePolicy onlyAliceRing =
        SignaturePolicy.requireSigned(
            SignatureVerifier.openPgp(
                List.of(alice.fingerprint()), List.of(alice.armoredPublicRing())));
    assertRefused(source(onlyAliceRing), Status.UNTRUSTED);
  }

  @Test
  void aKeyThatHadExpiredWhenTheCommitWasSignedIsUntrusted() throws Exception {
    long day = 24 * 3600;
    Date twoDaysAgo = new Date(System.currentTimeMillis() - 2 * day * 1000);
    PgpKey expired = PgpKey.generate("Old <old@example.com>", twoDaysAgo, day);
    PgpKey current = PgpKey.generate("New <new@example.com>", twoDaysAgo, 30 * day);
    SignaturePolicy trustBoth =
        SignaturePolicy.requireSigned(
            SignatureVerifier.openPgp(
                List.of(expired.fingerprint(), current.fingerprint()),
                List.of(expired.armoredPublicRing(), current.armoredPublicRing())));

    remote.commit("main", files("app.yaml", "a"), "by an expired key", expired::sign);
    assertRefused(source(trustBoth), Status.UNTRUSTED);
    assertThatThrownBy(source(trustBoth)::fetch)
        .hasMessageContaining("after the signing key expired");

    String ok = remote.commit("main", files("app.yaml", "b"), "by a valid key", current::sign);
    Snapshot snapshot = source(trustBoth).fetch();
    assertThat(snapshot.revision()).isEqualTo(ok);
    assertThat(snapshot.commit().signature().status()).isEqualTo(Status.VERIFIED);
  }

  @Test
  void tamperedCommitIsBad() throws Exception {
    String signed = remote.commit("main", files("app.yaml", "a"), "deploy v1\n", alice::sign);
    byte[] raw = remote.rawObject(signed);
    String text = new String(raw, StandardCharsets.UTF_8);
    assertThat(text).contains("gpgsig -----BEGIN PGP SIGNATURE-----");
    remote.insertRawCommit(
        "main", text.replace("deploy v1", "deploy v2").getBytes(StandardCharsets.UTF_8));
    assertRefused(source(trustAlice()), Status.BAD);
  }

  @Test
  void sshSignedCommitWithAllowedSignersFile() throws Exception {
    Path key = sshKeygen("alice");
    Path otherKey = sshKeygen("eve");
    Path allowed = tmp.resolve("allowed_signers");
    Files.writeString(
        allowed, "alice@example.com namespaces=\"git\" " + Files.readString(Path.of(key + ".pub")));

    TestRepo.CommitSigner aliceSsh = sshSigner(key);
    String id = remote.commit("main", files("app.yaml", "a"), "ssh signed\n", aliceSsh);
    SignaturePolicy policy =
        SignaturePolicy.requireSigned(
            SignatureVerifier.sshAllowedSigners(allowed),
            SignatureVerifier.openPgp(
                List.of(alice.fingerprint()), List.of(alice.armoredPublicRing())));
    Snapshot snapshot = source(policy).fetch();
    assertThat(snapshot.revision()).isEqualTo(id);
    assertThat(snapshot.commit().signature().status()).isEqualTo(Status.VERIFIED);
    assertThat(snapshot.commit().signature().format()).isEqualTo("ssh");
    assertThat(snapshot.commit().signature().signer()).contains("alice@example.com");

    // OpenSSH agrees the JGit-made signature is valid for the same payload.
    assertOpenSshVerifies(remote.rawObject(id), allowed);

    // Signed by a key missing from the allowed signers file.
    remote.commit("main", files("app.yaml", "b"), "eve\n", sshSigner(otherKey));
    assertRefused(source(policy), Status.UNTRUSTED);

    // Tampered after signing.
    String good = remote.commit("main", files("app.yaml", "c"), "alice again\n", aliceSsh);
    String raw = new String(remote.rawObject(good), StandardCharsets.UTF_8);
    remote.insertRawCommit(
        "main", raw.replace("alice again", "alice AGAIN").getBytes(StandardCharsets.UTF_8));
    assertRefused(source(policy), Status.BAD);

    // SSH signatures without an SSH verifier in the policy.
    remote.commit("main", files("app.yaml", "d"), "alice\n", aliceSsh);
    assertRefused(source(trustAlice()), Status.UNTRUSTED);
  }

  @Test
  void customVerifierPlugsIn() throws Exception {
    remote.commit("main", files("app.yaml", "a"), "signed", alice::sign);
    SignatureVerifier approveAll =
        new SignatureVerifier() {
          @Override
          public String format() {
            return OPENPGP;
          }

          @Override
          public SignatureVerdict verify(byte[] signedData, byte[] signature) {
            return new SignatureVerdict(Status.VERIFIED, OPENPGP, "custom", "approved");
          }
        };
    assertThat(
            source(SignaturePolicy.requireSigned(approveAll)).fetch().commit().signature().signer())
        .isEqualTo("custom");

    SignatureVerifier crashing =
        new SignatureVerifier() {
          @Override
          public String format() {
            return OPENPGP;
          }

          @Override
          public SignatureVerdict verify(byte[] signedData, byte[] signature) {
            throw new IllegalStateException("boom");
          }
        };
    assertRefused(source(SignaturePolicy.requireSigned(crashing)), Status.BAD);
  }

  @Test
  void policyFailsFastOnBadConfiguration() {
    assertThatThrownBy(
            () -> SignatureVerifier.openPgp(List.of("not-hex"), List.of(alice.armoredPublicRing())))
        .hasMessageContaining("not-hex");
    assertThatThrownBy(
            () -> SignatureVerifier.openPgp(List.of(alice.fingerprint()), List.of("garbage")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SignaturePolicy.requireSigned(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private void assertRefused(GitSource source, Status expected) {
    assertThatThrownBy(source::fetch)
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.SIGNATURE_REFUSED);
              assertThat(e.getMessage())
                  .contains("refused by signature policy")
                  .contains(expected.name());
            });
  }

  private TestRepo.CommitSigner sshSigner(Path privateKey) {
    Config config = new Config();
    config.setString("gpg", null, "format", "ssh");
    GpgConfig gpg = new GpgConfig(config);
    PersonIdent committer =
        new PersonIdent(
            "Alice Example",
            "alice@example.com",
            Instant.parse("2024-01-01T00:00:00Z"),
            ZoneOffset.UTC);
    return payload ->
        Signers.get(GpgConfig.GpgFormat.SSH)
            .sign(remote.repo, gpg, payload, committer, privateKey + ".pub", null)
            .toExternalString()
            .getBytes(StandardCharsets.US_ASCII);
  }

  private Path sshKeygen(String name) throws Exception {
    Path key = tmp.resolve("id_ed25519_" + name);
    run(
        List.of(
            sshKeygenBinary(), "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString()),
        null);
    return key;
  }

  private void assertOpenSshVerifies(byte[] rawCommit, Path allowed) throws Exception {
    dev.gitops4j.source.internal.CommitPayload split =
        dev.gitops4j.source.internal.CommitPayload.split(rawCommit);
    Path signature = tmp.resolve("commit.sig");
    Files.write(signature, split.signature());
    Path payload = tmp.resolve("commit.payload");
    Files.write(payload, split.payload());
    String output =
        run(
            List.of(
                sshKeygenBinary(),
                "-Y",
                "verify",
                "-f",
                allowed.toString(),
                "-I",
                "alice@example.com",
                "-n",
                "git",
                "-s",
                signature.toString()),
            payload);
    assertThat(output).contains("Good \"git\" signature for alice@example.com");
  }

  private static String sshKeygenBinary() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Path.of(dir, "ssh-keygen").toFile().canExecute()) {
        return Path.of(dir, "ssh-keygen").toString();
      }
    }
    throw new AssertionError("ssh-keygen is required (Debian: apt-get install openssh-client)");
  }

  private static String run(List<String> command, Path stdin) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (stdin != null) {
      builder.redirectInput(stdin.toFile());
    }
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    assertThat(process.exitValue()).as("%s: %s", command, output).isZero();
    return output;
  }
}
