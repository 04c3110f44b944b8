package dev.gitops4j.test;

import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.sync.ApplyOptions;
import java.util.Objects;

/**
 * A real target whose steps pass through a hook before they reach it: to count writes, pause a pass
 * at a chosen step, or make the n-th step fail as a crash would, while everything else (rendering,
 * observing, validation, inventory, health) stays the real target's.
 *
 * <pre>{@code
 * Target crashing = InterceptingTarget.wrap(real, (step, options) -> {
 *   if (creates.incrementAndGet() == 3) throw new TargetException("process died", false);
 * });
 * }</pre>
 */
public final class InterceptingTarget {

  /** Runs before each step; throwing stops the step before the real target sees it. */
  @FunctionalInterface
  public interface BeforeStep {
    void run(Step step, ApplyOptions options) throws TargetException;
  }

  private InterceptingTarget() {}

  /** {@code real} with {@code hook} run before every step it applies. */
  public static Target wrap(Target real, BeforeStep hook) {
    Objects.requireNonNull(hook, "hook");
    Target.Builder builder =
        Target.builder(real.endpoint())
            .renderer(real.renderer())
            .sessions(context -> new Session(real.sessions().open(context), hook))
            .ordering(real.ordering())
            .inventoryStore(real.inventoryStore())
            .waveField(real.waveField())
            .unifiedDiff(real.unifiedDiff());
    real.healthChecks().forEach(builder::healthCheck);
    real.events().ifPresent(builder::events);
    return builder.build();
  }

  private static final class Session extends ForwardingSession {
    private final BeforeStep hook;

    Session(TargetSession real, BeforeStep hook) {
      super(real);
      this.hook = hook;
    }

    @Override
    public String apply(Step step, ApplyOptions options) throws TargetException {
      hook.run(step, options);
      return delegate.apply(step, options);
    }
  }
}
