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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the kinds an application manages, across namespaces, selecting only objects labelled with
 * the application's name, and reports changes that gitops4j did not make itself: an update whose
 * resourceVersion is the one its own apply returned is ignored, so is an update that only touched
 * status or server-set metadata. Informers are added as the application's kinds become known (one
 * per kind), so their number is bounded by the kinds in use.
 */
public final class KubeEvents implements TargetEvents {

  private static final Logger LOG = LoggerFactory.getLogger(KubeEvents.class);

  private final ApplicationState app;
  private final Map<String, SharedIndexInformer<GenericKubernetesResource>> informers =
      new ConcurrentHashMap<>();
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
    SharedIndexInformer<GenericKubernetesResource> informer =
        (kind.namespaced() ? operation.inAnyNamespace() : operation)
            .withLabel(OwnershipMarks.APPLICATION_LABEL, app.application)
            .runnableInformer(0);
    informer.addEventHandler(new Handler(kind));
    informers.put(key(kind), informer);
    informer
        .start()
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                LOG.warn("cannot watch {} for {}", kind.plural(), app.application, error);
              }
            });
  }

  /** Stops every watch; a later subscribe starts them again. */
  synchronized void close() {
    listener = null;
    informers.values().forEach(SharedIndexInformer::stop);
    informers.clear();
  }

  private static String key(KindInfo kind) {
    return kind.group() + "/" + kind.kind();
  }

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
      ResourceId id = id(after);
      String version = after.getMetadata().getResourceVersion();
      if (app.cluster.versions.isOurs(id, version)) {
        return;
      }
      JsonNode old = Comparison.SERVER_FIELDS.normalize(id, Cluster.toJson(before));
      JsonNode now = Comparison.SERVER_FIELDS.normalize(id, Cluster.toJson(after));
      if (old.equals(now)) {
        return; // status or bookkeeping only
      }
      notifyListener(id);
    }

    @Override
    public void onDelete(GenericKubernetesResource object, boolean finalStateUnknown) {
      notifyListener(id(object));
    }

    private ResourceId id(GenericKubernetesResource object) {
      String qualified = kind.group().isEmpty() ? kind.kind() : kind.group() + "/" + kind.kind();
      return ResourceId.of(
          qualified,
          kind.namespaced() ? object.getMetadata().getNamespace() : null,
          object.getMetadata().getName());
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
  }
}
