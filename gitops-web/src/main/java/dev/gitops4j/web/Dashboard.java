package dev.gitops4j.web;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.history.HistoryStore;
import dev.gitops4j.web.internal.Actions;
import dev.gitops4j.web.internal.HttpServerAdapter;
import dev.gitops4j.web.internal.Router;
import dev.gitops4j.web.internal.Sessions;
import dev.gitops4j.web.internal.Views;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The JSON API, live events and pages of an {@link Engine}, independent of any HTTP server: {@link
 * #handle} turns a request into a response. {@link #mount} serves it from the JDK {@link
 * HttpServer}; {@link DashboardServlet} from a servlet container.
 *
 * <pre>{@code
 * DashboardListener live = DashboardListener.create();
 * Engine engine = Engine.builder().application(app).history(history).listener(live).build();
 * Dashboard dashboard = Dashboard.builder(engine, live)
 *     .history(history)
 *     .authenticator(Authenticator.bearerTokens(Map.of(token, Principal.of("alice", "ops"))))
 *     .authorizer(Authorizer.rules().grantRole("ops", "*", Action.values()).build())
 *     .enableActions()
 *     .build();
 * HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 8080), 0);
 * dashboard.mount(server, "/gitops");
 * server.start();
 * }</pre>
 *
 * <p>Read-only by default: actions answer 403 until {@link Builder#enableActions()}. Thread-safe.
 */
public final class Dashboard implements AutoCloseable {

  private final Router router;
  private final DashboardListener listener;

  private Dashboard(Builder builder) {
    this.listener = builder.listener;
    Views views = new Views(builder.engine, builder.history);
    Actions actions =
        new Actions(
            builder.engine,
            views,
            builder.history,
            builder.authorizer,
            builder.actionsEnabled,
            builder.clock);
    this.router =
        new Router(
            builder.title,
            views,
            actions,
            new Sessions(builder.clock, builder.sessionTimeout),
            builder.authenticator,
            builder.listener.hub(),
            builder.authenticateReads);
  }

  /**
   * @param engine the engine to show and act on
   * @param listener the listener registered on that engine's builder, for live updates
   */
  public static Builder builder(Engine engine, DashboardListener listener) {
    return new Builder(engine, listener);
  }

  /** Answers one request. Never throws: failures become JSON or HTML error responses. */
  public WebResponse handle(WebRequest request) {
    return router.handle(Objects.requireNonNull(request, "request"));
  }

  /**
   * Serves the dashboard under {@code path} (e.g. {@code /gitops}) of {@code server}. Event streams
   * are written from the dashboard's own thread, so they hold none of the server's threads; give
   * the server an executor with a few threads for concurrent page loads.
   */
  public HttpContext mount(HttpServer server, String path) {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("mount path must start with /: " + path);
    }
    return server.createContext(path, new HttpServerAdapter(this::handle, path));
  }

  /** Ends the open event streams. */
  @Override
  public void close() {
    listener.close();
  }

  /** Builder for {@link Dashboard}. */
  public static final class Builder {
    private final Engine engine;
    private final DashboardListener listener;
    private HistoryStore history;
    private Authenticator authenticator = Authenticator.none();
    private Authorizer authorizer = Authorizer.rules().build();
    private boolean actionsEnabled;
    private boolean authenticateReads;
    private Clock clock = Clock.systemUTC();
    private Duration sessionTimeout = Duration.ofHours(8);
    private String title = "gitops4j";

    private Builder(Engine engine, DashboardListener listener) {
      this.engine = Objects.requireNonNull(engine, "engine");
      this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * The history store given to the engine: the pages show it and verify its chain, and every
     * action is recorded in it with the principal. Required when actions are enabled.
     */
    public Builder history(HistoryStore history) {
      this.history = Objects.requireNonNull(history, "history");
      return this;
    }

    /** Who sends requests; default nobody, so no action is possible. */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    /** Who may do what; default a rule set without grants, which refuses every action. */
    public Builder authorizer(Authorizer authorizer) {
      this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
      return this;
    }

    /** Lets authenticated, authorised principals perform actions (off by default: read-only). */
    public Builder enableActions() {
      this.actionsEnabled = true;
      return this;
    }

    /** Requires a principal for reading pages and the API too (default: anyone may read). */
    public Builder authenticateReads() {
      this.authenticateReads = true;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How long a sign-in on the page lasts; default 8 hours. */
    public Builder sessionTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("sessionTimeout must be positive");
      }
      this.sessionTimeout = timeout;
      return this;
    }

    /** The name in the page header and titles; default {@code gitops4j}. */
    public Builder title(String title) {
      this.title = Objects.requireNonNull(title, "title");
      return this;
    }

    /**
     * @throws IllegalStateException when actions are enabled without a history store to record them
     *     in
     */
    public Dashboard build() {
      if (actionsEnabled && history == null) {
        throw new IllegalStateException(
            "enableActions() needs history(store): every action is recorded in the history");
      }
      return new Dashboard(this);
    }
  }
}
