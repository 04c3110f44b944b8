package dev.gitops4j.web;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Serves a {@link Dashboard} from a Jakarta Servlet 6 container. Map it to a path pattern such as
 * {@code /gitops/*} and enable async support (live events use an async context):
 *
 * <pre>{@code
 * ServletRegistration.Dynamic reg = context.addServlet("gitops", new DashboardServlet(dashboard));
 * reg.addMapping("/gitops/*");
 * reg.setAsyncSupported(true);
 * }</pre>
 */
public final class DashboardServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient Dashboard dashboard;

  public DashboardServlet(Dashboard dashboard) {
    this.dashboard = Objects.requireNonNull(dashboard, "dashboard");
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    Map<String, String> headers = new HashMap<>();
    for (String name : Collections.list(req.getHeaderNames())) {
      headers.put(name, req.getHeader(name));
    }
    byte[] body;
    try (InputStream in = req.getInputStream()) {
      body = in.readNBytes(WebRequest.MAX_BODY + 1);
    }
    String base = req.getContextPath() + req.getServletPath();
    // The raw (still encoded) path below the servlet mapping.
    String uri = req.getRequestURI();
    String path = uri.length() > base.length() ? uri.substring(base.length()) : "/";
    WebResponse response =
        dashboard.handle(
            new WebRequest(
                req.getMethod(), base, path, req.getQueryString(), headers, body, req.isSecure()));
    resp.setStatus(response.status());
    for (Map.Entry<String, String> header : response.headers()) {
      resp.addHeader(header.getKey(), header.getValue());
    }
    if (response.eventStream().isPresent()) {
      if (!req.isAsyncSupported()) {
        resp.reset();
        resp.sendError(501, "live events need the dashboard servlet registered with async support");
        return;
      }
      AsyncContext async = req.startAsync();
      async.setTimeout(0);
      resp.flushBuffer();
      OutputStream out = resp.getOutputStream();
      response
          .eventStream()
          .get()
          .accept(
              new WebResponse.EventSink() {
                @Override
                public synchronized void send(String frame) throws IOException {
                  out.write(frame.getBytes(StandardCharsets.UTF_8));
                  out.flush();
                }

                @Override
                public void close() {
                  try {
                    async.complete();
                  } catch (IllegalStateException e) {
                    // Already completed by the container.
                  }
                }
              });
      return;
    }
    byte[] bytes = response.body();
    if (bytes.length > 0 && !req.getMethod().equals("HEAD")) {
      resp.setContentLength(bytes.length);
      try (OutputStream out = resp.getOutputStream()) {
        out.write(bytes);
      }
    }
  }
}
