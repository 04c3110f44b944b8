package dev.gitops4j.k8s.fleet.internal;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.TlsVersion;
import io.fabric8.kubernetes.client.http.WebSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

/**
 * An HTTP client whose requests pass through one cluster's {@link RequestLimiter}, and so do the
 * requests of every client derived from it (fabric8 derives clients for other timeouts).
 */
public final class LimitedHttpClient implements HttpClient {

  private final HttpClient delegate;
  private final RequestLimiter limiter;

  LimitedHttpClient(HttpClient delegate, RequestLimiter limiter) {
    this.delegate = delegate;
    this.limiter = limiter;
  }

  /** A factory whose clients share {@code limiter}. */
  public static HttpClient.Factory factory(HttpClient.Factory delegate, RequestLimiter limiter) {
    return new HttpClient.Factory() {
      @Override
      public HttpClient.Builder newBuilder() {
        return new LimitedBuilder(delegate.newBuilder(), limiter);
      }

      @Override
      public HttpClient.Builder newBuilder(Config config) {
        return new LimitedBuilder(delegate.newBuilder(config), limiter);
      }
    };
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, Class<T> type) {
    return limiter.submit(() -> delegate.sendAsync(request, type));
  }

  @Override
  public CompletableFuture<HttpResponse<AsyncBody>> consumeBytes(
      HttpRequest request, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    return limiter.submit(() -> delegate.consumeBytes(request, consumer));
  }

  @Override
  public WebSocket.Builder newWebSocketBuilder() {
    return delegate.newWebSocketBuilder();
  }

  @Override
  public HttpRequest.Builder newHttpRequestBuilder() {
    return delegate.newHttpRequestBuilder();
  }

  @Override
  public DerivedClientBuilder newBuilder() {
    DerivedClientBuilder derived = delegate.newBuilder();
    return new DerivedClientBuilder() {
      @Override
      public HttpClient build() {
        return new LimitedHttpClient(derived.build(), limiter);
      }

      @Override
      public DerivedClientBuilder addOrReplaceInterceptor(String name, Interceptor interceptor) {
        derived.addOrReplaceInterceptor(name, interceptor);
        return this;
      }

      @Override
      public DerivedClientBuilder authenticatorNone() {
        derived.authenticatorNone();
        return this;
      }

      @Override
      public DerivedClientBuilder tag(Object value) {
        derived.tag(value);
        return this;
      }
    };
  }

  @Override
  public boolean isClosed() {
    return delegate.isClosed();
  }

  @Override
  public void close() {
    delegate.close();
  }

  /** Builds the delegate's client and wraps it. */
  private static final class LimitedBuilder implements HttpClient.Builder {
    private final HttpClient.Builder delegate;
    private final RequestLimiter limiter;

    LimitedBuilder(HttpClient.Builder delegate, RequestLimiter limiter) {
      this.delegate = delegate;
      this.limiter = limiter;
    }

    @Override
    public HttpClient build() {
      return new LimitedHttpClient(delegate.build(), limiter);
    }

    @Override
    public HttpClient.Builder connectTimeout(long timeout, TimeUnit unit) {
      delegate.connectTimeout(timeout, unit);
      return this;
    }

    @Override
    public HttpClient.Builder addOrReplaceInterceptor(String name, Interceptor interceptor) {
      delegate.addOrReplaceInterceptor(name, interceptor);
      return this;
    }

    @Override
    public HttpClient.Builder authenticatorNone() {
      delegate.authenticatorNone();
      return this;
    }

    @Override
    public HttpClient.Builder sslContext(KeyManager[] keyManagers, TrustManager[] trustManagers) {
      delegate.sslContext(keyManagers, trustManagers);
      return this;
    }

    @Override
    public HttpClient.Builder followAllRedirects() {
      delegate.followAllRedirects();
      return this;
    }

    @Override
    public HttpClient.Builder proxyAddress(InetSocketAddress address) {
      delegate.proxyAddress(address);
      return this;
    }

    @Override
    public HttpClient.Builder proxyAuthorization(String credentials) {
      delegate.proxyAuthorization(credentials);
      return this;
    }

    @Override
    public HttpClient.Builder tlsVersions(TlsVersion... versions) {
      delegate.tlsVersions(versions);
      return this;
    }

    @Override
    public HttpClient.Builder preferHttp11() {
      delegate.preferHttp11();
      return this;
    }

    @Override
    public HttpClient.Builder proxyType(ProxyType type) {
      delegate.proxyType(type);
      return this;
    }

    @Override
    public HttpClient.Builder tag(Object value) {
      delegate.tag(value);
      return this;
    }
  }
}
