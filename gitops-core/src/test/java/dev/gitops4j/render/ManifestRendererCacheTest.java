package dev.gitops4j.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.render.internal.DecodedFiles;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A new revision re-decodes only changed files, and gives the same result a fresh render gives. */
class ManifestRendererCacheTest {

  private static SourceFile configMap(String path, String name, String value) {
    return SourceFile.of(
        path,
        "# "
            + path
            + "\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
            + name
            + "\n  namespace: shop\ndata:\n  value: \""
            + value
            + "\"\n");
  }

  private static Snapshot snapshot(String revision, SourceFile... files) {
    return new Snapshot(revision, null, List.of(files));
  }

  @Test
  void unchangedFilesKeepTheirDecodedBodiesAndChangedOnesAreDecodedAgain() throws Exception {
    ManifestRenderer renderer = ManifestRenderer.ofDefaults();
    ResourceId a = ResourceId.of("ConfigMap", "shop", "a");
    ResourceId b = ResourceId.of("ConfigMap", "shop", "b");

    DesiredState first =
        renderer.render(
            snapshot("r1", configMap("a.yaml", "a", "1"), configMap("b.yaml", "b", "1")));
    DesiredState second =
        renderer.render(
            snapshot("r2", configMap("a.yaml", "a", "1"), configMap("b.yaml", "b", "2")));

    assertThat(second.get(a).orElseThrow().body()).isSameAs(first.get(a).orElseThrow().body());
    assertThat(second.get(a).orElseThrow().revision()).isEqualTo("r2");
    assertThat(second.get(b).orElseThrow().body().at("/data/value").asText()).isEqualTo("2");
    // The same result as a renderer that never saw the first revision.
    DesiredState fresh =
        ManifestRenderer.ofDefaults()
            .render(snapshot("r2", configMap("a.yaml", "a", "1"), configMap("b.yaml", "b", "2")));
    assertThat(second).isEqualTo(fresh);
  }

  @Test
  void sameContentUnderAnotherPathIsDecodedForThatPath() throws Exception {
    ManifestRenderer renderer = ManifestRenderer.ofDefaults();
    renderer.render(snapshot("r1", configMap("x.yaml", "a", "1")));
    SourceFile moved = new SourceFile("moved/y.yaml", configMap("x.yaml", "a", "1").content());

    DesiredState state = renderer.render(snapshot("r2", moved));

    assertThat(state.get(ResourceId.of("ConfigMap", "shop", "a")).orElseThrow().origin().file())
        .isEqualTo("moved/y.yaml");
  }

  @Test
  void badFilesAreReportedEveryTimeAndTheirFixDecodes() throws Exception {
    ManifestRenderer renderer = ManifestRenderer.ofDefaults();
    SourceFile bad = SourceFile.of("bad.yaml", "apiVersion: v1\nkind: ConfigMap\nkind: Secret\n");
    for (int i = 0; i < 2; i++) {
      InvalidDesiredStateException e =
          catchThrowableOfType(
              InvalidDesiredStateException.class, () -> renderer.render(snapshot("r", bad)));
      assertThat(e.getMessage()).contains("bad.yaml:3:1").contains("duplicate key 'kind'");
    }
    DesiredState fixed = renderer.render(snapshot("r3", configMap("bad.yaml", "a", "1")));
    assertThat(fixed.resources()).hasSize(1);
  }

  @Test
  void anIdentityThatCannotBeReadIsReportedAtItsLineEveryTime() throws Exception {
    ManifestRenderer renderer = ManifestRenderer.ofDefaults();
    SourceFile nameless =
        SourceFile.of(
            "nameless.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 7\ndata: {}\n");
    for (int i = 0; i < 2; i++) {
      InvalidDesiredStateException e =
          catchThrowableOfType(
              InvalidDesiredStateException.class, () -> renderer.render(snapshot("r", nameless)));
      assertThat(e.getMessage()).as("render " + (i + 1)).contains("nameless.yaml:4:");
    }
  }

  @Test
  void decodedFilesEvictLeastRecentlyUsedByCountAndBytes() throws Exception {
    ManifestDecoder decoder = ManifestDecoder.ofDefaults();
    SourceFile a = configMap("a.yaml", "a", "1");
    SourceFile b = configMap("b.yaml", "b", "1");
    SourceFile c = configMap("c.yaml", "c", "1");

    DecodedFiles byCount = new DecodedFiles(2, Long.MAX_VALUE);
    byCount.put(a, decoder.decode(a));
    byCount.put(b, decoder.decode(b));
    assertThat(byCount.get(a)).isNotNull(); // a is now the most recently used
    byCount.put(c, decoder.decode(c));
    assertThat(byCount.size()).isEqualTo(2);
    assertThat(byCount.get(b)).isNull();
    assertThat(byCount.get(a)).isNotNull();
    assertThat(byCount.get(c)).isNotNull();

    DecodedFiles byBytes = new DecodedFiles(100, a.content().length + b.content().length);
    byBytes.put(a, decoder.decode(a));
    byBytes.put(b, decoder.decode(b));
    byBytes.put(c, decoder.decode(c));
    assertThat(byBytes.size()).isEqualTo(2);
    assertThat(byBytes.get(a)).isNull();
  }

  @Test
  void changingTheCallersBytesAfterwardsDoesNotChangeWhatIsKept() throws Exception {
    ManifestDecoder decoder = ManifestDecoder.ofDefaults();
    byte[] bytes = configMap("a.yaml", "a", "1").content();
    SourceFile file = new SourceFile("a.yaml", bytes);
    DecodedFiles cache = new DecodedFiles(10, Long.MAX_VALUE);
    cache.put(file, decoder.decode(file));

    byte[] changed = configMap("a.yaml", "a", "2").content();
    System.arraycopy(changed, 0, bytes, 0, bytes.length);

    assertThat(cache.get(new SourceFile("a.yaml", bytes))).isNull();
    assertThat(cache.get(configMap("a.yaml", "a", "1"))).isNotNull();
    assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"2\"");
  }
}
