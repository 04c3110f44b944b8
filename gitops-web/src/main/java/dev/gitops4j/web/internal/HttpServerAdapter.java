package dev.gitops4j.web.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;
import dev.gitops4j.web.WebRequest;
import dev.gitops4j.web.WebResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Serves the dashboard from a JDK {@code HttpServer} context. */
public final class HttpServerAdapter implements HttpHandler {

  private final Function<WebRequest, WebResponse> dashboard;
  private final String base;

  public HttpServerAdapter(Function<WebRequest, WebResponse> dashboard, String base) {
    this.dashboard = dashboard;
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    boolean streaming = false;
    try {
      URI uri = exchange.getRequestURI();
      String raw = uri.getRawPath();
      String path = raw.length() > base.length() ? raw.substring(base.length()) : "/";
      Map<String, String> headers = new HashMap<>();
      for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
        if (!header.getValue().isEmpty()) {
          headers.put(header.getKey(), header.getValue().get(0));
        }
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(WebRequest.MAX_BODY + 1);
      }
      WebRequest request =
          new WebRequest(
              exchange.getRequestMethod(),
              base,
              path,
              uri.getRawQuery(),
              headers,
              body,
              exchange instanceof HttpsExchange);
      WebResponse response = dashboard.apply(request);
      for (Map.Entry<String, String> header : response.headers()) {
        exchange.getResponseHeaders().add(header.getKey(), header.getValue());
      }
      if (response.eventStream().isPresent()) {
        exchange.sendResponseHeaders(response.status(), 0);
        streaming = true;
        response.eventStream().get().accept(new Sink(exchange));
        return;
      }
      byte[] bytes = response.body();
      boolean head = request.method().equals("HEAD");
      exchange.sendResponseHeaders(
          response.status(), head || bytes.length == 0 ? -1 : bytes.length);
      if (!head && bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    } finally {
      if (!streaming) {
        exchange.close();
      }
    }
  }

  /** Writes event frames to the open exchange; the hub's thread calls it. */
  private static final class Sink implements WebResponse.EventSink {
    private final HttpExchange exchange;
    private final OutputStream out;

    Sink(HttpExchange exchange) {
      this.exchange = exchange;
      this.out = exchange.getResponseBody();
    }

    @Override
    public synchronized void send(String frame) throws IOException {
      out.write(frame.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    @Override
    public void close() {
      exchange.close();
    }
  }
}
