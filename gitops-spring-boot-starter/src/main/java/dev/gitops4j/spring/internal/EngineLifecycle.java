package dev.gitops4j.spring.internal;

import dev.gitops4j.engine.Engine;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the engine once the context is refreshed and closes it on shutdown: passes in flight end
 * the step they are in, leases are released, and only then are clusters and stores closed.
 */
public final class EngineLifecycle implements SmartLifecycle {

  /** Started late and stopped early; the dashboard (a higher phase) stops before it. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1000;

  private final Engine engine;
  private volatile boolean running;

  public EngineLifecycle(Engine engine) {
    this.engine = engine;
  }

  @Override
  public synchronized void start() {
    if (!running) {
      engine.start();
      running = true;
    }
  }

  @Override
  public synchronized void stop() {
    if (running) {
      running = false;
      engine.close();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
