package dev.gitops4j.cli.internal;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.SyncWindow;
import dev.gitops4j.engine.WaveHealth;
import java.util.List;

/**
 * When and in which order an application of a configuration file writes: the applications it
 * depends on, its sync windows and whether its waves wait for health.
 *
 * @param dependsOn names of applications of the same file
 * @param windows sync windows
 * @param waveHealth health gate between waves, or null for none
 */
record Delivery(List<String> dependsOn, List<SyncWindow> windows, WaveHealth waveHealth) {

  static final Delivery NONE = new Delivery(List.of(), List.of(), null);

  Delivery {
    dependsOn = List.copyOf(dependsOn);
    windows = List.copyOf(windows);
  }

  Application.Builder applyTo(Application.Builder application) {
    application.dependsOn(dependsOn.toArray(String[]::new));
    windows.forEach(application::syncWindow);
    if (waveHealth != null) {
      application.waveHealth(waveHealth);
    }
    return application;
  }
}
