package dev.gitops4j.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.gitops4j.source.SourceFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the decoder over generated manifests. */
class ManifestDecoderPropertiesTest {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ManifestDecoder decoder = ManifestDecoder.ofDefaults();

  @Property(tries = 200)
  void yamlWrittenByJacksonDecodesToTheSameTrees(
      @ForAll("manifests") @Size(min = 1, max = 4) List<ObjectNode> manifests) throws Exception {
    ObjectMapper yaml = new YAMLMapper();
    StringBuilder text = new StringBuilder();
    for (ObjectNode manifest : manifests) {
      text.append(yaml.writeValueAsString(manifest));
    }

    List<Manifest> decoded = decoder.decode(SourceFile.of("round.yaml", text.toString()));

    assertThat(decoded).extracting(Manifest::body).containsExactlyElementsOf(manifests);
  }

  @Property(tries = 200)
  void jsonDecodesToTheSameTree(@ForAll("manifest") ObjectNode manifest) throws Exception {
    String json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(manifest);

    List<Manifest> decoded = decoder.decode(SourceFile.of("round.json", json));

    assertThat(decoded).extracting(Manifest::body).containsExactly(manifest);
  }

  /**
   * Documents separated by noise (blank lines, comments, empty documents) keep exact line numbers
   * for the document and for each key, with LF or CRLF line ends.
   */
  @Property(tries = 300)
  void linesOfDocumentsAndKeysAreExact(
      @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 5) Integer> keysPerDocument,
      @ForAll @Size(max = 7) List<@IntRange(min = 0, max = 3) Integer> noise,
      @ForAll boolean crlf)
      throws Exception {
    List<String> lines = new ArrayList<>();
    List<List<Integer>> keyLines = new ArrayList<>();
    for (int d = 0; d < keysPerDocument.size(); d++) {
      if (d > 0) {
        lines.add("---");
      }
      int kind = d < noise.size() ? noise.get(d) : 0;
      switch (kind) {
        case 1 -> lines.add("");
        case 2 -> lines.add("# comment " + d);
        case 3 -> {
          lines.add("# empty document follows");
          lines.add("---");
        }
        default -> {}
      }
      List<Integer> keys = new ArrayList<>();
      for (int k = 0; k < keysPerDocument.get(d); k++) {
        lines.add("k" + k + ": v" + k);
        keys.add(lines.size());
      }
      keyLines.add(keys);
    }
    String text = String.join(crlf ? "\r\n" : "\n", lines) + (crlf ? "\r\n" : "\n");

    List<Manifest> decoded = decoder.decode(SourceFile.of("lines.yaml", text));

    assertThat(decoded).hasSize(keysPerDocument.size());
    for (int d = 0; d < decoded.size(); d++) {
      Manifest manifest = decoded.get(d);
      assertThat(manifest.origin().line()).isEqualTo(keyLines.get(d).get(0));
      for (int k = 0; k < keyLines.get(d).size(); k++) {
        assertThat(manifest.locate("/k" + k).line()).isEqualTo(keyLines.get(d).get(k));
      }
    }
  }

  @Provide
  Arbitrary<List<ObjectNode>> manifests() {
    return manifest().list();
  }

  @Provide
  Arbitrary<ObjectNode> manifest() {
    return object(3);
  }

  private Arbitrary<ObjectNode> object(int depth) {
    Arbitrary<String> keys =
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .withChars('-', '.', '/', '~')
            .ofMinLength(1)
            .ofMaxLength(8);
    return Arbitraries.maps(keys, value(depth - 1))
        .ofMaxSize(5)
        .map(
            map -> {
              ObjectNode node = NODES.objectNode();
              for (Map.Entry<String, JsonNode> entry : map.entrySet()) {
                node.set(entry.getKey(), entry.getValue());
              }
              return node;
            });
  }

  private Arbitrary<JsonNode> value(int depth) {
    List<Arbitrary<? extends JsonNode>> choices = new ArrayList<>();
    choices.add(
        Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(12),
                Arbitraries.of(
                    "yes",
                    "no",
                    "on",
                    "NO",
                    "0777",
                    "08",
                    "1e3",
                    "~",
                    "null",
                    "true",
                    "",
                    " padded ",
                    "a: b",
                    "- x",
                    "#x",
                    "*alias",
                    "&anchor",
                    "!tag"))
            .map(NODES::textNode));
    choices.add(Arbitraries.integers().map(NODES::numberNode));
    choices.add(
        Arbitraries.longs()
            .filter(l -> l < Integer.MIN_VALUE || l > Integer.MAX_VALUE)
            .map(NODES::numberNode));
    choices.add(
        Arbitraries.doubles()
            .between(-1e12, 1e12)
            .ofScale(3)
            .map(d -> NODES.numberNode(d.doubleValue())));
    choices.add(Arbitraries.of(true, false).map(NODES::booleanNode));
    choices.add(Arbitraries.just(NODES.nullNode()));
    if (depth > 0) {
      choices.add(object(depth).map(node -> (JsonNode) node));
      choices.add(
          value(depth - 1)
              .list()
              .ofMaxSize(4)
              .map(
                  list -> {
                    ArrayNode array = NODES.arrayNode();
                    list.forEach(array::add);
                    return array;
                  }));
    }
    @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array can only be made raw
    Arbitrary<JsonNode>[] all = choices.toArray(new Arbitrary[0]);
    return Arbitraries.oneOf(List.of(all));
  }

  @Property(tries = 100)
  void anchoredValuesRoundTripThroughAliases(
      @ForAll("manifest") ObjectNode anchored, @ForAll @IntRange(min = 1, max = 5) int copies)
      throws Exception {
    String flow = printable(new ObjectMapper().writeValueAsString(anchored));
    StringBuilder yaml = new StringBuilder("anchor: &a ").append(flow).append("\ncopies:\n");
    for (int i = 0; i < copies; i++) {
      yaml.append("  - *a\n");
    }

    JsonNode body = decoder.decode(SourceFile.of("alias.yaml", yaml.toString())).get(0).body();

    assertThat(body.get("copies")).hasSize(copies);
    body.get("copies").forEach(copy -> assertThat(copy).isEqualTo(anchored));
  }

  /**
   * JSON leaves DEL, the C1 controls and U+FFFE/U+FFFF raw, which YAML forbids (NEL it would fold);
   * inside the flow's double-quoted strings, the only place they can be, a unicode escape means the
   * same in both.
   */
  private static String printable(String json) {
    StringBuilder out = new StringBuilder(json.length());
    json.chars()
        .forEach(
            c -> {
              if ((c >= 0x7F && c <= 0x9F) || c == 0xFFFE || c == 0xFFFF) {
                out.append(String.format("\\u%04X", c));
              } else {
                out.append((char) c);
              }
            });
    return out.toString();
  }
}
