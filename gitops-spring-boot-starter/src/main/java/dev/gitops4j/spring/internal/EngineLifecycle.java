package dev.gitops4j.spring.internal;

import dev.gitops4j.engine.Engine;
import dev.gitops4j.k8s.ha.LeaderElection;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the engine once the context is refreshed and closes it on shutdown: passes in flight end
 * the step they are in, then the leader election (when the engine's fence is one) leaves; only then
 * are clusters and stores closed.
 */
public final class EngineLifecycle implements SmartLifecycle {

  /** Started late and stopped early; the dashboard (a higher phase) stops before it. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1000;

  private final Engine engine;
  private final LeaderElection election;
  private volatile boolean running;

  /**
   * @param election the engine's fence when it is a leader election, else null
   */
  public EngineLifecycle(Engine engine, LeaderElection election) {
    this.engine = engine;
    this.election = election;
  }

  @Override
  public synchronized void start() {
    if (!running) {
      if (election != null) {
        election.addListener(LeaderElection.passesOnLeadership(engine));
      }
      engine.start();
      if (election != null) {
        election.start();
      }
      running = true;
    }
  }

  @Override
  public synchronized void stop() {
    if (running) {
      running = false;
      engine.close();
      if (election != null) {
        election.close();
      }
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
