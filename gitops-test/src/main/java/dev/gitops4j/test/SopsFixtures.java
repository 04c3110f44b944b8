package dev.gitops4j.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real {@code sops}, {@code age-keygen} and {@code gpg} of the {@link Testbed}, for files encrypted
 * exactly as users encrypt them. Keys live in {@code dir}; gpg gets its own {@code GNUPGHOME} there
 * and its agent is stopped by {@link #close()}.
 */
public final class SopsFixtures implements AutoCloseable {

  private final Testbed testbed;
  private final Path dir;
  private final Path gnupgHome;

  public SopsFixtures(Testbed testbed, Path dir) {
    this.testbed = testbed;
    this.dir = dir;
    this.gnupgHome = dir.resolve("gnupg");
  }

  /** A new age identity file (as {@code age-keygen -o} writes it); returns its path. */
  public Path newAgeKey(String name) {
    Path file = dir.resolve(name + ".agekey");
    run(List.of(testbed.ageKeygen().toString(), "-o", file.toString()), Map.of(), null);
    return file;
  }

  /** The public recipient ({@code age1...}) of an identity file. */
  public static String ageRecipient(Path keyFile) {
    try {
      for (String line : Files.readAllLines(keyFile)) {
        if (line.startsWith("# public key: ")) {
          return line.substring("# public key: ".length()).strip();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no public key comment in " + keyFile);
  }

  /**
   * A new unprotected gpg key (gpg's default algorithms) in this fixture's GNUPGHOME; returns its
   * fingerprint.
   */
  public String newGpgKey(String email) {
    try {
      Files.createDirectories(gnupgHome);
      gnupgHome.toFile().setReadable(false, false);
      gnupgHome.toFile().setReadable(true, true);
      gnupgHome.toFile().setExecutable(false, false);
      gnupgHome.toFile().setExecutable(true, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    gpg(
        "--batch",
        "--passphrase",
        "",
        "--quick-gen-key",
        "Test <" + email + ">",
        "default",
        "default",
        "never");
    String listing = gpg("--batch", "--with-colons", "--list-secret-keys", email);
    for (String line : listing.split("\n")) {
      if (line.startsWith("fpr:")) {
        return line.split(":")[9];
      }
    }
    throw new IllegalStateException("gpg listed no fingerprint: " + listing);
  }

  /** Exports the secret keys of this fixture's GNUPGHOME to {@code file} (armored). */
  public Path exportGpgSecretKeys(String name) {
    Path file = dir.resolve(name + ".asc");
    try {
      Files.writeString(file, gpg("--batch", "--armor", "--export-secret-keys"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Runs gpg in this fixture's GNUPGHOME; returns its standard output. */
  public String gpg(String... args) {
    List<String> command = new ArrayList<>();
    command.add(testbed.gpg().toString());
    command.addAll(List.of(args));
    return run(command, Map.of("GNUPGHOME", gnupgHome.toString()), null);
  }

  /**
   * {@code sops encrypt} of {@code plaintext} (format from {@code fileName}'s extension) with the
   * extra {@code args}, e.g. {@code --age age1...} or {@code --encrypted-regex ^data$}.
   */
  public String encrypt(String fileName, String plaintext, String... args) {
    return encrypt(null, fileName, plaintext, args);
  }

  /** As {@link #encrypt(String, String, String...)}, with the creation rules of {@code config}. */
  public String encrypt(Path config, String fileName, String plaintext, String... args) {
    Path file = dir.resolve(fileName);
    try {
      Files.writeString(file, plaintext);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = new ArrayList<>();
    command.add(testbed.sops().toString());
    if (config != null) {
      command.add("--config");
      command.add(config.toString());
    }
    command.add("encrypt");
    command.addAll(List.of(args));
    command.add(file.toString());
    return run(command, Map.of("GNUPGHOME", gnupgHome.toString()), null);
  }

  /** {@code sops decrypt} of {@code encrypted} with the age identities in {@code ageKeyFile}. */
  public String decrypt(String fileName, String encrypted, Path ageKeyFile) {
    Path file = dir.resolve("enc-" + fileName);
    try {
      Files.writeString(file, encrypted);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return run(
        List.of(testbed.sops().toString(), "decrypt", file.toString()),
        ageKeyFile == null
            ? Map.of("GNUPGHOME", gnupgHome.toString())
            : Map.of("GNUPGHOME", gnupgHome.toString(), "SOPS_AGE_KEY_FILE", ageKeyFile.toString()),
        null);
  }

  private String run(List<String> command, Map<String, String> env, String input) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
      builder.environment().putAll(env);
      builder.environment().put("SOPS_DISABLE_VERSION_CHECK", "1");
      builder.environment().remove("SOPS_AGE_KEY");
      if (!env.containsKey("SOPS_AGE_KEY_FILE")) {
        builder.environment().remove("SOPS_AGE_KEY_FILE");
      }
      Path err = Files.createTempFile(dir, "stderr", ".txt");
      builder.redirectError(err.toFile());
      Process process = builder.start();
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(command.get(0) + " did not finish");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " failed: " + Files.readString(err));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Stops the gpg agent of this fixture's GNUPGHOME. */
  @Override
  public void close() {
    if (Files.isDirectory(gnupgHome)) {
      Path gpgconf = testbed.gpg().resolveSibling("gpgconf");
      if (Files.isExecutable(gpgconf)) {
        run(
            List.of(gpgconf.toString(), "--kill", "all"),
            Map.of("GNUPGHOME", gnupgHome.toString()),
            null);
      }
    }
  }
}
