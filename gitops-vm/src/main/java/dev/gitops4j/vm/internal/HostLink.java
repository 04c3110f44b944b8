package dev.gitops4j.vm.internal;

import dev.gitops4j.vm.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The connection to one host: at most one open {@link Transport}, opened on first use and replaced
 * when an SSH connection dropped. A pass's {@link HostSession} opens it and closes it when the pass
 * ends, so every pass starts on a fresh connection; the engine loads the inventory just before it
 * opens the session, and that read opens the connection the session then goes on with.
 */
public final class HostLink implements AutoCloseable {

  /** Opens a connection to the host. */
  @FunctionalInterface
  public interface Connector {
    Transport connect() throws IOException;
  }

  private final String host;
  private final Connector connector;
  private Transport transport;

  public HostLink(String host, Connector connector) {
    this.host = host;
    this.connector = connector;
  }

  public String host() {
    return host;
  }

  /** The open connection, connecting when there is none. */
  public synchronized Transport transport() throws IOException {
    if (transport instanceof SshTransport ssh && !ssh.isOpen()) {
      close();
    }
    if (transport == null) {
      try {
        transport = connector.connect();
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
    return transport;
  }

  /** Closes the connection, if one is open; the next use opens a new one. Never throws. */
  @Override
  public synchronized void close() {
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
