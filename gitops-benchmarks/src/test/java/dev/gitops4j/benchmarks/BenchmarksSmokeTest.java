package dev.gitops4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark once, briefly and in-process, so the harness cannot rot. The figures of such
 * a short run mean nothing; real runs use {@code java -jar target/benchmarks.jar}.
 */
class BenchmarksSmokeTest {

  @Test
  void everyBenchmarkRuns() throws Exception {
    Options options =
        new OptionsBuilder()
            .include("dev\\.gitops4j\\.benchmarks\\..*")
            .param("objects", "1000")
            .param("object", "deployment-1")
            .forks(0)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(200))
            .shouldFailOnError(true)
            .build();

    Collection<RunResult> results = new Runner(options).run();

    assertThat(results)
        .extracting(r -> r.getParams().getBenchmark().replaceAll(".*\\.", ""))
        .containsExactlyInAnyOrder("decode", "inSync", "oneChange", "noOp", "tenPercentDrift");
    assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
  }
}
