package dev.gitops4j.model;

import java.util.List;

/**
 * Steps that may run in any order, or in parallel; a wave starts only after the previous one
 * finished without failure.
 *
 * @param index position of the wave in the plan, from 0
 * @param steps the steps of this wave
 */
public record Wave(int index, List<Step> steps) {

  public Wave {
    steps = List.copyOf(steps);
  }
}
