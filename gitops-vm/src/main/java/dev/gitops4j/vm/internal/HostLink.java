package dev.gitops4j.vm.internal;

import dev.gitops4j.vm.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * The connection to one host: at most one open {@link Transport}, opened on first use and kept from
 * one pass to the next, so a pass that finds nothing to do pays no connection set-up. A pass's
 * {@link HostSession} {@link #release releases} it when the pass ends; the first use after that
 * checks that the connection still works ({@link Transport#isOpen()}) and still leads where the
 * inventory says, and opens a new one when not. A link that does not keep connections closes it on
 * release instead, as does a pass whose transport failed. The engine loads the inventory just
 * before it opens the session, and that read is usually the first use of a pass.
 */
public final class HostLink implements AutoCloseable {

  /** Opens a connection to the host. */
  @FunctionalInterface
  public interface Connector {
    Transport connect() throws IOException;

    /**
     * Where {@link #connect} would connect now (address, port, user); a kept connection to another
     * place is replaced. By default always the same.
     */
    default Object endpoint() {
      return null;
    }
  }

  private final String host;
  private final Connector connector;
  private final boolean keep;
  private Transport transport;
  private Object endpoint;
  private boolean released;

  /**
   * @param keep whether a connection stays open between passes
   */
  public HostLink(String host, Connector connector, boolean keep) {
    this.host = host;
    this.connector = connector;
    this.keep = keep;
  }

  public String host() {
    return host;
  }

  /** The open connection, connecting when there is none or the kept one no longer works. */
  public synchronized Transport transport() throws IOException {
    if (transport instanceof SshTransport ssh && !ssh.sessionOpen()) {
      close(); // Dropped since the last use: no round trip needed to tell.
    }
    if (transport != null && released) {
      released = false;
      if (!Objects.equals(endpoint, connector.endpoint()) || !transport.isOpen()) {
        close();
      }
    }
    if (transport == null) {
      try {
        endpoint = connector.endpoint();
        transport = connector.connect();
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      released = false;
    }
    return transport;
  }

  /**
   * Ends a pass's use of the connection: kept for the next pass, or closed when this link does not
   * keep connections or {@code failed} (the pass's transport failed, so its state is unknown).
   */
  public synchronized void release(boolean failed) {
    if (!keep || failed) {
      close();
    } else {
      released = true;
    }
  }

  /** Closes the connection, if one is open; the next use opens a new one. Never throws. */
  @Override
  public synchronized void close() {
    released = false;
    if (transport != null) {
      try {
        transport.close();
      } catch (RuntimeException ignored) {
        // Transports never throw on close; a custom one that does must not fail the pass.
      }
      transport = null;
    }
  }
}
