package dev.gitops4j.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartCredentialsTest {

  @TempDir Path dir;

  @Test
  void basicFromFilesIsReadAtEachUseAndNeverShown() throws IOException {
    Path user = Files.writeString(dir.resolve("user"), "reader\n");
    Path password = Files.writeString(dir.resolve("password"), "first-secret\r\n");
    ChartCredentials credentials = ChartCredentials.basicFromFiles(user, password);
    assertThat(credentials.authorization())
        .isEqualTo(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString("reader:first-secret".getBytes(StandardCharsets.UTF_8)));
    Files.writeString(password, "rotated-secret");
    assertThat(decode(credentials.authorization())).isEqualTo("reader:rotated-secret");
    assertThat(credentials.toString())
        .isEqualTo("basic auth from files " + user + ", " + password)
        .doesNotContain("secret");
    assertThat(credentials.isBearer()).isFalse();
  }

  @Test
  void aBearerTokenFromAFile() throws IOException {
    Path token = Files.writeString(dir.resolve("token"), "tok-123\n");
    ChartCredentials credentials = ChartCredentials.bearerFromFile(token);
    assertThat(credentials.authorization()).isEqualTo("Bearer tok-123");
    assertThat(credentials.isBearer()).isTrue();
    assertThat(credentials.toString()).doesNotContain("tok-123");
  }

  @Test
  void missingSourcesAreNamedWithoutContent() {
    ChartCredentials env =
        ChartCredentials.basicFromEnv("GITOPS4J_TEST_UNSET_USER", "GITOPS4J_TEST_UNSET_PASSWORD");
    assertThatThrownBy(env::authorization)
        .isInstanceOf(IOException.class)
        .hasMessage("environment variable GITOPS4J_TEST_UNSET_USER is not set");
    ChartCredentials file = ChartCredentials.bearerFromFile(dir.resolve("absent"));
    assertThatThrownBy(file::authorization)
        .hasMessage(
            "cannot read credentials file " + dir.resolve("absent") + ": NoSuchFileException");
  }

  private static String decode(String header) {
    return new String(
        Base64.getDecoder().decode(header.substring("Basic ".length())), StandardCharsets.UTF_8);
  }
}
