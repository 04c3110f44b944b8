package dev.gitops4j.engine;

import dev.gitops4j.diff.UnifiedDiff;
import dev.gitops4j.health.HealthCheck;
import dev.gitops4j.plan.Ordering;
import dev.gitops4j.render.Renderer;
import dev.gitops4j.sync.InventoryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the engine needs to reconcile one kind of system: how to render it, how each pass
 * observes, compares and writes it (a {@link TargetSession}), how to order and assess it, and where
 * its inventory lives. Target modules hand out ready-made instances; custom targets assemble one
 * with {@link #builder(String)}.
 */
public final class Target {

  private final String endpoint;
  private final Renderer renderer;
  private final TargetSession.Factory sessions;
  private final Ordering ordering;
  private final InventoryStore inventoryStore;
  private final List<HealthCheck> healthChecks;
  private final TargetEvents events;
  private final String waveField;
  private final UnifiedDiff unifiedDiff;

  private Target(Builder builder) {
    this.endpoint = builder.endpoint;
    this.renderer = builder.renderer;
    this.sessions = builder.sessions;
    this.ordering = builder.ordering;
    this.inventoryStore = builder.inventoryStore;
    this.healthChecks = List.copyOf(builder.healthChecks);
    this.events = builder.events;
    this.waveField = builder.waveField;
    this.unifiedDiff = builder.unifiedDiff;
  }

  /**
   * Starts a target description.
   *
   * @param endpoint identifies the system written to (API server URL, host, state directory);
   *     applications on one endpoint share a circuit breaker
   */
  public static Builder builder(String endpoint) {
    return new Builder(endpoint);
  }

  public String endpoint() {
    return endpoint;
  }

  public Renderer renderer() {
    return renderer;
  }

  /** Opens the target's part in each pass: observing, comparing, checking and writing. */
  public TargetSession.Factory sessions() {
    return sessions;
  }

  public Ordering ordering() {
    return ordering;
  }

  public InventoryStore inventoryStore() {
    return inventoryStore;
  }

  public List<HealthCheck> healthChecks() {
    return healthChecks;
  }

  /** JSON Pointer of the field that assigns an explicit wave, or empty. */
  public String waveField() {
    return waveField;
  }

  /** Renders redacted human-readable diffs for history records and approval requests. */
  public UnifiedDiff unifiedDiff() {
    return unifiedDiff;
  }

  /** The target's change notifications, if it can push them. */
  public Optional<TargetEvents> events() {
    return Optional.ofNullable(events);
  }

  /** Builder for {@link Target}; renderer, sessions and inventory store are required. */
  public static final class Builder {
    private final String endpoint;
    private Renderer renderer;
    private TargetSession.Factory sessions;
    private Ordering ordering = Ordering.none();
    private InventoryStore inventoryStore;
    private final List<HealthCheck> healthChecks = new ArrayList<>();
    private TargetEvents events;
    private String waveField = "";
    private UnifiedDiff unifiedDiff = UnifiedDiff.ofDefaults();

    private Builder(String endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      if (endpoint.isBlank()) {
        throw new IllegalArgumentException("endpoint must not be blank");
      }
      this.endpoint = endpoint;
    }

    public Builder renderer(Renderer renderer) {
      this.renderer = renderer;
      return this;
    }

    /**
     * How each pass observes, compares and writes; {@link TargetSession#of} composes parts that
     * keep no state between calls.
     */
    public Builder sessions(TargetSession.Factory sessions) {
      this.sessions = sessions;
      return this;
    }

    public Builder ordering(Ordering ordering) {
      this.ordering = Objects.requireNonNull(ordering, "ordering");
      return this;
    }

    /**
     * Where inventories are kept. Required: choose consciously, since an inventory lost with the
     * process means resources removed from Git while it was down are never pruned.
     */
    public Builder inventoryStore(InventoryStore inventoryStore) {
      this.inventoryStore = inventoryStore;
      return this;
    }

    public Builder healthCheck(HealthCheck check) {
      healthChecks.add(Objects.requireNonNull(check, "check"));
      return this;
    }

    /**
     * JSON Pointer of an optional integer field of each resource that puts it in an explicit wave,
     * e.g. {@code /metadata/annotations/gitops4j.dev~1wave}.
     */
    public Builder waveField(String jsonPointer) {
      this.waveField = Objects.requireNonNull(jsonPointer, "jsonPointer");
      return this;
    }

    /**
     * How diffs are shown to people; its redactor decides what never appears in history or
     * approvals. Defaults to {@link UnifiedDiff#ofDefaults()}, which redacts Kubernetes Secrets.
     */
    public Builder unifiedDiff(UnifiedDiff unifiedDiff) {
      this.unifiedDiff = Objects.requireNonNull(unifiedDiff, "unifiedDiff");
      return this;
    }

    public Builder events(TargetEvents events) {
      this.events = events;
      return this;
    }

    public Target build() {
      List<String> missing = new ArrayList<>();
      if (renderer == null) {
        missing.add("renderer");
      }
      if (sessions == null) {
        missing.add("sessions");
      }
      if (inventoryStore == null) {
        missing.add("inventoryStore");
      }
      if (!missing.isEmpty()) {
        throw new IllegalStateException(
            "target " + endpoint + " lacks " + String.join(", ", missing));
      }
      return new Target(this);
    }
  }
}
