package dev.gitops4j.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the dashboard answers: a status, headers and a body, or a stream of server-sent events that
 * the server adapter keeps open.
 */
public final class WebResponse {

  private final int status;
  private final List<Map.Entry<String, String>> headers;
  private final byte[] body;
  private final Consumer<EventSink> events;

  private WebResponse(
      int status,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      Consumer<EventSink> events) {
    this.status = status;
    this.headers = List.copyOf(headers);
    this.body = body;
    this.events = events;
  }

  /** A response with a body of {@code contentType}. */
  public static WebResponse of(int status, String contentType, byte[] body) {
    Objects.requireNonNull(body, "body");
    return new WebResponse(status, List.of(Map.entry("Content-Type", contentType)), body, null);
  }

  /** A response with a UTF-8 text body. */
  public static WebResponse text(int status, String contentType, String body) {
    return of(status, contentType + "; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  /** A {@code 303 See Other} to {@code location}. */
  public static WebResponse redirect(String location) {
    return new WebResponse(303, List.of(Map.entry("Location", location)), new byte[0], null);
  }

  /**
   * A {@code text/event-stream}: after the headers are sent, the adapter hands {@code subscribe} a
   * sink writing to the open response.
   */
  public static WebResponse events(Consumer<EventSink> subscribe) {
    return new WebResponse(
        200,
        List.of(Map.entry("Content-Type", "text/event-stream; charset=utf-8")),
        new byte[0],
        Objects.requireNonNull(subscribe, "subscribe"));
  }

  /** This response with one more header (repeatable, e.g. {@code Set-Cookie}). */
  public WebResponse withHeader(String name, String value) {
    List<Map.Entry<String, String>> more = new ArrayList<>(headers);
    more.add(Map.entry(name, value));
    return new WebResponse(status, more, body, events);
  }

  public int status() {
    return status;
  }

  /** Headers in order; a name may repeat. */
  public List<Map.Entry<String, String>> headers() {
    return headers;
  }

  /** The first value of a header. */
  public Optional<String> header(String name) {
    return headers.stream()
        .filter(h -> h.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst();
  }

  public byte[] body() {
    return body.clone();
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** For an event stream, what to call with the sink once the headers are sent. */
  public Optional<Consumer<EventSink>> eventStream() {
    return Optional.ofNullable(events);
  }

  /** Where a server adapter writes server-sent event frames. */
  public interface EventSink extends AutoCloseable {

    /** Writes one frame (already formatted, ending with a blank line) and flushes it. */
    void send(String frame) throws IOException;

    /** Ends the response; never throws. */
    @Override
    void close();
  }
}
