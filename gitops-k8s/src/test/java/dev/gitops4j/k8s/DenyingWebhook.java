package dev.gitops4j.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A real validating admission webhook on 127.0.0.1 over HTTPS that denies every object it is asked
 * about. Its certificate is made with the JDK's keytool.
 */
final class DenyingWebhook implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final char[] PASSWORD = "changeit".toCharArray();

  private final HttpsServer server;
  private final String caBundle;
  private final AtomicInteger reviews = new AtomicInteger();

  private DenyingWebhook(HttpsServer server, String caBundle) {
    this.server = server;
    this.caBundle = caBundle;
  }

  static DenyingWebhook start(Path dir) throws Exception {
    Path keystore = dir.resolve("webhook.p12");
    Path certificate = dir.resolve("webhook.pem");
    keytool(
        "-genkeypair",
        "-alias",
        "webhook",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "san=ip:127.0.0.1",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        new String(PASSWORD));
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "webhook",
        "-keystore",
        keystore.toString(),
        "-storepass",
        new String(PASSWORD),
        "-file",
        certificate.toString());
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(keystore.toFile())) {
      store.load(in, PASSWORD);
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, PASSWORD);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys.getKeyManagers(), null, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    DenyingWebhook webhook =
        new DenyingWebhook(
            server, Base64.getEncoder().encodeToString(Files.readAllBytes(certificate)));
    server.createContext(
        "/validate",
        exchange -> {
          webhook.reviews.incrementAndGet();
          JsonNode review = JSON.readTree(exchange.getRequestBody());
          ObjectNode answer = JSON.createObjectNode();
          answer.put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
          ObjectNode response = answer.putObject("response");
          response.put("uid", review.path("request").path("uid").asText());
          response.put("allowed", false);
          response
              .putObject("status")
              .put("code", 403)
              .put("message", "denied by the test webhook");
          byte[] body = answer.toString().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    return webhook;
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** The PEM certificate, base64-encoded, for {@code clientConfig.caBundle}. */
  String caBundle() {
    return caBundle;
  }

  int reviews() {
    return reviews.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
  }
}
