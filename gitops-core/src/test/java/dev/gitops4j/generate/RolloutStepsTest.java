package dev.gitops4j.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.generate.internal.RolloutSteps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutStepsTest {

  private static Map<String, Parameters> apps(String... nameAndWave) {
    Map<String, Parameters> apps = new LinkedHashMap<>();
    for (int i = 0; i < nameAndWave.length; i += 2) {
      apps.put(
          nameAndWave[i],
          nameAndWave[i + 1] == null ? Parameters.of() : Parameters.of("wave", nameAndWave[i + 1]));
    }
    return apps;
  }

  @Test
  void allAtOnceIsOneStep() {
    assertThat(RolloutSteps.of(Rollout.allAtOnce(), apps("b", "1", "a", "2")))
        .containsExactly(List.of("a", "b"));
  }

  @Test
  void fixedStepsGoByName() {
    assertThat(RolloutSteps.of(Rollout.steps(2), apps("c", "1", "a", "1", "b", "1")))
        .containsExactly(List.of("a", "b"), List.of("c"));
  }

  @Test
  void stepsOrderedByAParameterCompareNumbersAsNumbersAndPutMissingValuesLast() {
    assertThat(
            RolloutSteps.of(
                Rollout.steps(1, "wave"), apps("x", null, "ten", "10", "nine", "9", "one", "1")))
        .containsExactly(List.of("one"), List.of("nine"), List.of("ten"), List.of("x"));
  }

  @Test
  void oneStepPerValue() {
    assertThat(
            RolloutSteps.of(
                Rollout.byParameter("wave"),
                apps("a", "2", "b", "1", "c", "2", "d", "1", "e", null)))
        .containsExactly(List.of("b", "d"), List.of("a", "c"), List.of("e"));
  }

  @Test
  void noApplicationNoStep() {
    assertThat(RolloutSteps.of(Rollout.steps(1), Map.of())).isEmpty();
  }
}
