package dev.gitops4j.k8s.internal;

import dev.gitops4j.model.Change;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.ResourceId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * State of one application on one cluster: the comparison verdicts of its last observation (handed
 * from the live-state provider to the differ) and its watches.
 */
public final class AppContext {

  /**
   * How one declared object compared with its live counterpart.
   *
   * @param desired the declared resource compared (by reference)
   * @param liveVersion resourceVersion of the live object compared
   * @param changes empty when in sync
   */
  record Verdict(DesiredResource desired, String liveVersion, List<Change> changes) {}

  final String application;
  final Cluster cluster;
  final KubeEvents events;
  private final Map<ResourceId, Verdict> verdicts = new ConcurrentHashMap<>();

  public AppContext(String application, Cluster cluster) {
    this.application = Marks.requireApplicationName(application);
    this.cluster = cluster;
    this.events = new KubeEvents(this);
  }

  public String application() {
    return application;
  }

  public Cluster cluster() {
    return cluster;
  }

  public KubeEvents events() {
    return events;
  }

  void replaceVerdicts(Map<ResourceId, Verdict> latest) {
    verdicts.clear();
    verdicts.putAll(latest);
  }

  Verdict verdict(ResourceId id) {
    return verdicts.get(id);
  }
}
