package dev.gitops4j.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.render.Manifest;
import dev.gitops4j.render.ManifestDecoder;
import dev.gitops4j.source.SourceFile;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Manifests decoded per second from one multi-document YAML file of Deployments. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecodeBenchmark {

  static final int DOCUMENTS = 100;

  private final ManifestDecoder decoder = ManifestDecoder.ofDefaults();
  private SourceFile file;

  @Setup
  public void setUp() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < DOCUMENTS; i++) {
      text.append(yaml.writeValueAsString(Fixtures.deployment("web-" + i, 2)));
    }
    file = SourceFile.of("app/deployments.yaml", text.toString());
  }

  @Benchmark
  @OperationsPerInvocation(DOCUMENTS)
  public List<Manifest> decode() throws InvalidDesiredStateException {
    return decoder.decode(file);
  }
}
