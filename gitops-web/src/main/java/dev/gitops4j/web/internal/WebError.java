package dev.gitops4j.web.internal;

/** A request that cannot be served, with the HTTP status and a message for the person. */
public final class WebError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  public WebError(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  /** Short machine-readable reason, e.g. {@code forbidden}, {@code csrf}. */
  public String code() {
    return code;
  }

  public static WebError badRequest(String message) {
    return new WebError(400, "bad_request", message);
  }

  public static WebError notFound(String message) {
    return new WebError(404, "not_found", message);
  }

  public static WebError conflict(String message) {
    return new WebError(409, "conflict", message);
  }
}
