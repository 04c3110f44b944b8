package dev.gitops4j.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.engine.TargetEvents;
import dev.gitops4j.model.ResourceId;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the kinds an application manages, across namespaces, selecting only objects labelled with
 * the application's name, and reports changes that gitops4j did not make itself: an update whose
 * resourceVersion is the one its own apply returned is ignored, so is an update that only touched
 * status or server-set metadata. Informers are added as the application's kinds become known (one
 * per kind), so their number is bounded by the kinds in use. What they hold ({@link
 * WatchedObjects}) is also where a pass reads the objects from while the watch is open.
 */
public final class KubeEvents implements TargetEvents {

  private static final Logger LOG = LoggerFactory.getLogger(KubeEvents.class);

  private final ApplicationState app;
  private final Map<String, SharedIndexInformer<GenericKubernetesResource>> informers =
      new ConcurrentHashMap<>();
  private final Map<String, WatchedObjects> stores = new ConcurrentHashMap<>();
  private final Map<String, KindInfo> kinds = new ConcurrentHashMap<>();
  private volatile Consumer<ResourceId> listener;

  KubeEvents(ApplicationState app) {
    this.app = app;
  }

  @Override
  public synchronized AutoCloseable subscribe(String application, Consumer<ResourceId> listener) {
    if (!app.application.equals(application)) {
      throw new IllegalArgumentException(
          "this target belongs to application " + app.application + ", not " + application);
    }
    if (this.listener != null) {
      throw new IllegalStateException("already subscribed for " + application);
    }
    this.listener = Objects.requireNonNull(listener, "listener");
    kinds.values().forEach(this::start);
    return this::close;
  }

  /** Makes sure the kinds are watched once someone listens. */
  void watch(Collection<KindInfo> used) {
    for (KindInfo kind : used) {
      if (kinds.putIfAbsent(key(kind), kind) == null && listener != null) {
        start(kind);
      }
    }
  }

  private synchronized void start(KindInfo kind) {
    if (listener == null || informers.containsKey(key(kind))) {
      return;
    }
    var operation = app.cluster.kind(kind);
    WatchedObjects store =
        new WatchedObjects(kind, (before, after) -> updated(kind, before, after));
    SharedIndexInformer<GenericKubernetesResource> informer =
        (kind.namespaced() ? operation.inAnyNamespace() : operation)
            .withLabel(OwnershipMarks.APPLICATION_LABEL, app.application)
            .runnableInformer(0)
            .itemStore(store);
    informer.addEventHandler(new Handler(kind));
    informers.put(key(kind), informer);
    stores.put(key(kind), store);
    informer
        .start()
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                LOG.warn("cannot watch {} for {}", kind.plural(), app.application, error);
              }
            });
  }

  /**
   * The watched objects of {@code kind} when they can stand for a read: the informer listed them in
   * this same version and its watch is open now. Empty otherwise (no one subscribed, still listing,
   * reconnecting), and then a pass reads from the API server.
   */
  Optional<WatchedObjects> watched(KindInfo kind) {
    SharedIndexInformer<GenericKubernetesResource> informer = informers.get(key(kind));
    WatchedObjects store = stores.get(key(kind));
    if (informer == null
        || store == null
        || !store.kind().equals(kind)
        || !informer.hasSynced()
        || !informer.isWatching()) {
      return Optional.empty();
    }
    return Optional.of(store);
  }

  /**
   * An update stored by a watch: reported unless gitops4j made it (its resourceVersion is the one
   * an apply of ours returned), it repeats what is stored, or it only touched status or server-set
   * metadata.
   */
  private void updated(KindInfo kind, JsonNode before, JsonNode after) {
    ResourceId id = id(kind, after);
    String version = after.path("metadata").path("resourceVersion").asText("");
    if (version.equals(before.path("metadata").path("resourceVersion").asText(""))
        || app.cluster.versions.isOurs(id, version)) {
      return;
    }
    JsonNode old = Comparison.SERVER_FIELDS.normalize(id, before);
    JsonNode now = Comparison.SERVER_FIELDS.normalize(id, after);
    if (!old.equals(now)) {
      notifyListener(id);
    }
  }

  private static ResourceId id(KindInfo kind, JsonNode object) {
    JsonNode metadata = object.path("metadata");
    return id(kind, metadata.path("namespace").asText(null), metadata.path("name").asText(null));
  }

  private static ResourceId id(KindInfo kind, String namespace, String name) {
    String qualified = kind.group().isEmpty() ? kind.kind() : kind.group() + "/" + kind.kind();
    return ResourceId.of(qualified, kind.namespaced() ? namespace : null, name);
  }

  private void notifyListener(ResourceId id) {
    Consumer<ResourceId> current = listener;
    if (current != null) {
      try {
        current.accept(id);
      } catch (RuntimeException e) {
        LOG.warn("target event listener failed for {}", id, e);
      }
    }
  }

  /** Stops every watch; a later subscribe starts them again. */
  synchronized void close() {
    listener = null;
    informers.values().forEach(SharedIndexInformer::stop);
    informers.clear();
    stores.clear();
  }

  private static String key(KindInfo kind) {
    return kind.group() + "/" + kind.kind();
  }

  /** Deletes only: updates are judged by the store, which still holds the object before. */
  private final class Handler implements ResourceEventHandler<GenericKubernetesResource> {
    private final KindInfo kind;

    Handler(KindInfo kind) {
      this.kind = kind;
    }

    @Override
    public void onAdd(GenericKubernetesResource object) {
      // The initial listing and our own creates: nothing to heal.
    }

    @Override
    public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
      // Reported by the store, see updated().
    }

    @Override
    public void onDelete(GenericKubernetesResource object, boolean finalStateUnknown) {
      notifyListener(id(kind, object.getMetadata().getNamespace(), object.getMetadata().getName()));
    }
  }
}
