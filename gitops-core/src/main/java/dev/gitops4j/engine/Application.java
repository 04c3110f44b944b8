package dev.gitops4j.engine;

import dev.gitops4j.source.Source;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Binds one source to one target under a sync policy.
 *
 * @param name unique name within an engine: letters, digits, {@code . _ -}, at most 63 characters
 * @param source where the desired state comes from
 * @param target what is reconciled
 * @param policy what passes may change
 * @param interval time between scheduled passes
 * @param passTimeout how long one pass may run before it is interrupted, or null for the engine's
 *     {@code passTimeout} (set it for targets whose passes are long, such as a Terraform apply)
 * @param syncWindows when passes may write (see {@link SyncWindow}); empty: always
 * @param waveHealth whether a wave waits for the earlier ones to be healthy, or null: it does not
 * @param dependsOn applications that must be synced at their current revision and healthy before a
 *     pass of this one writes
 */
public record Application(
    String name,
    Source source,
    Target target,
    SyncPolicy policy,
    Duration interval,
    Duration passTimeout,
    List<SyncWindow> syncWindows,
    WaveHealth waveHealth,
    List<String> dependsOn) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  public Application {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "application name '" + name + "' must match " + NAME.pattern());
    }
    Objects.requireNonNull(source, "source of " + name);
    Objects.requireNonNull(target, "target of " + name);
    Objects.requireNonNull(policy, "policy of " + name);
    Objects.requireNonNull(interval, "interval of " + name);
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval of " + name + " must be positive");
    }
    if (passTimeout != null && (passTimeout.isNegative() || passTimeout.isZero())) {
      throw new IllegalArgumentException("passTimeout of " + name + " must be positive");
    }
    syncWindows = List.copyOf(syncWindows);
    dependsOn = List.copyOf(dependsOn);
    if (dependsOn.contains(name)) {
      throw new IllegalArgumentException("application " + name + " cannot depend on itself");
    }
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builder for {@link Application}; policy defaults to automatic, interval to 3 minutes. */
  public static final class Builder {
    private final String name;
    private Source source;
    private Target target;
    private SyncPolicy policy = SyncPolicy.automatic();
    private Duration interval = Duration.ofMinutes(3);
    private Duration passTimeout;
    private final List<SyncWindow> syncWindows = new ArrayList<>();
    private WaveHealth waveHealth;
    private final List<String> dependsOn = new ArrayList<>();

    private Builder(String name) {
      this.name = name;
    }

    public Builder source(Source source) {
      this.source = source;
      return this;
    }

    public Builder target(Target target) {
      this.target = target;
      return this;
    }

    public Builder policy(SyncPolicy policy) {
      this.policy = policy;
      return this;
    }

    public Builder interval(Duration interval) {
      this.interval = interval;
      return this;
    }

    /** Overrides the engine's pass timeout for this application. */
    public Builder passTimeout(Duration passTimeout) {
      this.passTimeout = passTimeout;
      return this;
    }

    /** Adds a window that lets passes write, or keeps them from writing, at given times. */
    public Builder syncWindow(SyncWindow window) {
      syncWindows.add(Objects.requireNonNull(window, "window"));
      return this;
    }

    /** Makes each wave wait until the earlier waves are healthy. */
    public Builder waveHealth(WaveHealth waveHealth) {
      this.waveHealth = Objects.requireNonNull(waveHealth, "waveHealth");
      return this;
    }

    /**
     * Applications whose current revision must be synced and healthy before a pass of this one
     * writes (a cluster's ingress controller before the apps behind it, the Terraform that makes a
     * database before the schema). A cycle is refused when the last application of it registers.
     */
    public Builder dependsOn(String... applications) {
      for (String application : applications) {
        dependsOn.add(Objects.requireNonNull(application, "application"));
      }
      return this;
    }

    public Application build() {
      return new Application(
          name, source, target, policy, interval, passTimeout, syncWindows, waveHealth, dependsOn);
    }
  }
}
