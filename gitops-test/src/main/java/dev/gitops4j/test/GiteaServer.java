package dev.gitops4j.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Gitea on 127.0.0.1 for tests: SQLite and repositories in a work folder, no SSH, no mail,
 * an admin user made with {@code gitea admin user create}. Stopped by {@link #close()}.
 *
 * <pre>{@code
 * try (GiteaServer gitea = GiteaServer.start(Testbed.get(), tempDir)) {
 *   URI clone = gitea.createRepository("shop");
 *   String token = gitea.createToken("ci", "write:repository");
 * }
 * }</pre>
 */
public final class GiteaServer implements AutoCloseable {

  /** Login of the admin user. */
  public static final String ADMIN = "gitops4j";

  /** Password of the admin user. */
  public static final String PASSWORD = "Gitops4j-test-pass-1";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Testbed.Server server;
  private final URI url;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private GiteaServer(Testbed.Server server, URI url) {
    this.server = server;
    this.url = url;
  }

  /** Starts Gitea with its data under {@code workDir}. */
  public static GiteaServer start(Testbed testbed, Path workDir) {
    Path gitea = testbed.gitea();
    Path work = workDir.toAbsolutePath();
    int port = Testbed.freePort();
    Path ini = work.resolve("app.ini");
    try {
      Files.createDirectories(work.resolve("data"));
      Files.writeString(ini, ini(work, port, testbed.giteaStaticRoot()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Gitea in " + work, e);
    }
    Testbed.Server server =
        Testbed.Server.start(
            "gitea",
            List.of(
                gitea.toString(),
                "web",
                "--config",
                ini.toString(),
                "--work-path",
                work.toString()),
            work,
            port,
            Map.of("GITEA_WORK_DIR", work.toString()));
    GiteaServer started = new GiteaServer(server, URI.create("http://127.0.0.1:" + port + "/"));
    try {
      started.awaitApi(Duration.ofSeconds(60));
      run(
          List.of(
              gitea.toString(),
              "--config",
              ini.toString(),
              "--work-path",
              work.toString(),
              "admin",
              "user",
              "create",
              "--username",
              ADMIN,
              "--password",
              PASSWORD,
              "--email",
              ADMIN + "@example.invalid",
              "--admin",
              "--must-change-password=false"),
          work);
      return started;
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
  }

  private static String ini(Path work, int port, Path staticRoot) {
    boolean root = "root".equals(System.getProperty("user.name"));
    return String.join(
        "\n",
        "APP_NAME = gitops4j test",
        "RUN_MODE = prod",
        "WORK_PATH = " + work,
        root ? "I_AM_BEING_UNSAFE_RUNNING_AS_ROOT = true" : "",
        "[server]",
        "PROTOCOL = http",
        "HTTP_ADDR = 127.0.0.1",
        "HTTP_PORT = " + port,
        "ROOT_URL = http://127.0.0.1:" + port + "/",
        "DISABLE_SSH = true",
        "START_SSH_SERVER = false",
        "OFFLINE_MODE = true",
        "LFS_START_SERVER = false",
        "APP_DATA_PATH = " + work.resolve("data"),
        "STATIC_ROOT_PATH = " + staticRoot,
        "[database]",
        "DB_TYPE = sqlite3",
        "PATH = " + work.resolve("data/gitea.db"),
        "[repository]",
        "ROOT = " + work.resolve("repos"),
        "DEFAULT_BRANCH = main",
        "[security]",
        "INSTALL_LOCK = true",
        "SECRET_KEY = gitops4j-test-secret-key",
        "INTERNAL_TOKEN = gitops4j-test-internal-token-0123456789abcdef0123456789abcdef",
        "[service]",
        "DISABLE_REGISTRATION = true",
        "[webhook]",
        "ALLOWED_HOST_LIST = loopback",
        "[mailer]",
        "ENABLED = false",
        "[cron]",
        "ENABLED = false",
        "[session]",
        "PROVIDER = memory",
        "[cache]",
        "ADAPTER = memory",
        "[log]",
        "MODE = console",
        "LEVEL = warn",
        "ROOT_PATH = " + work.resolve("log"),
        "");
  }

  private void awaitApi(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(url.resolve("api/v1/version"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
        last = r.statusCode() + " " + r.body();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new IllegalStateException("Gitea API did not answer: " + last + "\n" + server.output());
  }

  /** The web root, e.g. {@code http://127.0.0.1:PORT/}. */
  public URI url() {
    return url;
  }

  /** Creates a public, empty repository of the admin user; returns its HTTP clone URL. */
  public URI createRepository(String name) {
    ObjectNode body = JSON.createObjectNode().put("name", name).put("private", false);
    JsonNode repo = call("POST", "user/repos", body, 201);
    return URI.create(repo.get("clone_url").asText());
  }

  /** Creates an access token of the admin user with {@code scopes}; returns its value. */
  public String createToken(String name, String... scopes) {
    ObjectNode body = JSON.createObjectNode().put("name", name);
    var array = body.putArray("scopes");
    for (String scope : scopes) {
      array.add(scope);
    }
    return call("POST", "users/" + ADMIN + "/tokens", body, 201).get("sha1").asText();
  }

  /** The statuses of {@code sha} in {@code owner/repo}, oldest first. */
  public List<JsonNode> statuses(String ownerAndRepo, String sha) {
    JsonNode list =
        call("GET", "repos/" + ownerAndRepo + "/statuses/" + sha + "?sort=oldest", null, 200);
    List<JsonNode> out = new ArrayList<>();
    list.forEach(out::add);
    return out;
  }

  /**
   * Calls {@code /api/v1/PATH} as the admin user (basic authentication) and returns the JSON
   * answer; any status other than {@code expected} is an error.
   */
  public JsonNode call(String method, String path, JsonNode body, int expected) {
    String basic =
        Base64.getEncoder()
            .encodeToString((ADMIN + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url.resolve("api/v1/" + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Basic " + basic)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.toString()));
    try {
      HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != expected) {
        throw new IllegalStateException(
            method + " /api/v1/" + path + " answered " + r.statusCode() + ": " + r.body());
      }
      return r.body().isBlank() ? JSON.nullNode() : JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " /api/v1/" + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** What Gitea printed so far. */
  public String output() {
    return server.output();
  }

  @Override
  public void close() {
    server.close();
  }

  private static void run(List<String> command, Path dir) {
    try {
      Process process =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("gitea admin user create failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run gitea", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
