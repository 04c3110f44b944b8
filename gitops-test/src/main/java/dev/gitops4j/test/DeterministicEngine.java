package dev.gitops4j.test;

import dev.gitops4j.engine.Engine;
import java.util.random.RandomGenerator;

/**
 * An {@link Engine.Builder} preset for tests in which nothing runs unless the test says so: passes
 * and steps run on the thread that asks for them ({@code engine.trigger(app).get()} returns after
 * the whole pass), intervals, retries and debounce wait for {@link ManualScheduler#advance}, and
 * neither intervals nor retries are jittered at random, so their delays are exact numbers.
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.create();
 * ManualScheduler timers = new ManualScheduler(clock);
 * Engine engine = DeterministicEngine.builder(clock, timers).application(app).build();
 * engine.trigger("shop").get();             // one whole pass, now
 * timers.advance(Duration.ofMinutes(3));   // the interval pass
 * }</pre>
 */
public final class DeterministicEngine {

  /**
   * Backoff jitter drawn as +25 % every time (the engine jitters retries by up to ±50 %), so a
   * first retry after a 1 s base waits exactly 1.25 s.
   */
  public static final RandomGenerator FIXED_JITTER =
      new RandomGenerator() {
        @Override
        public long nextLong() {
          return 0;
        }

        @Override
        public double nextDouble() {
          return 0.75;
        }
      };

  private DeterministicEngine() {}

  /** A builder on {@code clock} and {@code timers}; add applications, history and listeners. */
  public static Engine.Builder builder(ManualClock clock, ManualScheduler timers) {
    return Engine.builder()
        .clock(clock)
        .scheduler(timers)
        .passExecutor(Runnable::run)
        .stepExecutor(Runnable::run)
        .intervalJitter(0)
        .random(FIXED_JITTER);
  }
}
