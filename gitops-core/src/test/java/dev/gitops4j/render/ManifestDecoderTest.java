package dev.gitops4j.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import dev.gitops4j.source.SourceFile;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestDecoderTest {

  private final ManifestDecoder decoder = ManifestDecoder.ofDefaults();

  private static final String MULTI_DOCUMENT =
      String.join(
          "\n",
          "# leading comment",
          "apiVersion: v1",
          "kind: First",
          "---",
          "---",
          "# a document with only a comment",
          "---",
          "b: 1",
          "---",
          "  # indented comment",
          "third: true",
          "nested:",
          "  value: x",
          "");

  @Test
  void reportsTheLineOfEachDocumentAndOfItsValues() throws Exception {
    List<Manifest> manifests = decoder.decode(SourceFile.of("multi.yaml", MULTI_DOCUMENT));

    assertThat(manifests).extracting(m -> m.origin().line()).containsExactly(2, 8, 11);
    Manifest third = manifests.get(2);
    assertThat(third.origin()).isEqualTo(new Origin("multi.yaml", 11, 1));
    assertThat(third.locate("/nested/value")).isEqualTo(new Origin("multi.yaml", 13, 3));
    assertThat(third.locate("/nested")).isEqualTo(new Origin("multi.yaml", 12, 1));
    // Missing fields fall back to the closest declared parent, then the document.
    assertThat(third.locate("/nested/missing/deeper")).isEqualTo(new Origin("multi.yaml", 12, 1));
    assertThat(third.locate("/absent")).isEqualTo(third.origin());
    assertThat(third.body().get("third").booleanValue()).isTrue();
  }

  @Test
  void crlfLineEndingsGiveTheSameLines() throws Exception {
    String crlf = MULTI_DOCUMENT.replace("\n", "\r\n");

    List<Manifest> manifests = decoder.decode(SourceFile.of("multi.yaml", crlf));

    assertThat(manifests).extracting(m -> m.origin().line()).containsExactly(2, 8, 11);
    assertThat(manifests.get(2).locate("/nested/value").line()).isEqualTo(13);
    assertThat(manifests.get(2).body().at("/nested/value").textValue()).isEqualTo("x");
  }

  @Test
  void dropsAUtf8ByteOrderMark() throws Exception {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    ByteArrayOutputStream yaml = new ByteArrayOutputStream();
    yaml.writeBytes(bom);
    yaml.writeBytes("kind: A\n".getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    json.writeBytes(bom);
    json.writeBytes("{\"kind\": \"A\"}".getBytes(StandardCharsets.UTF_8));

    Manifest fromYaml = decoder.decode(new SourceFile("bom.yaml", yaml.toByteArray())).get(0);
    Manifest fromJson = decoder.decode(new SourceFile("bom.json", json.toByteArray())).get(0);

    assertThat(fromYaml.body().fieldNames()).toIterable().containsExactly("kind");
    assertThat(fromYaml.origin()).isEqualTo(new Origin("bom.yaml", 1, 1));
    assertThat(fromJson.body()).isEqualTo(fromYaml.body());
  }

  @Test
  void keepsYaml12BooleansAndDocumentedNumberForms() throws Exception {
    String yaml =
        String.join(
            "\n",
            "yes: yes",
            "no: no",
            "on: on",
            "off: off",
            "y: y",
            "country: NO",
            "t: true",
            "capital: True",
            "f: false",
            "octal: 0777",
            "mode: 0644",
            "notOctal: 08",
            "yaml12Octal: 0o17",
            "quoted: \"0777\"",
            "exponent: 1e3",
            "hex: 0x1F",
            "underscores: 1_000",
            "tilde: ~",
            "taggedString: !!str 12",
            "taggedInt: !!int \"3\"",
            "big: 12345678901234567890",
            "");

    JsonNode body = decoder.decode(SourceFile.of("scalars.yaml", yaml)).get(0).body();

    assertThat(body.get("yes").textValue()).isEqualTo("yes");
    assertThat(body.get("no").textValue()).isEqualTo("no");
    assertThat(body.get("on").textValue()).isEqualTo("on");
    assertThat(body.get("off").textValue()).isEqualTo("off");
    assertThat(body.get("y").textValue()).isEqualTo("y");
    assertThat(body.get("country").textValue()).isEqualTo("NO");
    assertThat(body.get("t").isBoolean()).isTrue();
    assertThat(body.get("capital").booleanValue()).isTrue();
    assertThat(body.get("f").isBoolean()).isTrue();
    assertThat(body.get("octal").intValue()).isEqualTo(0777);
    assertThat(body.get("mode").intValue()).isEqualTo(420);
    assertThat(body.get("notOctal").textValue()).isEqualTo("08");
    assertThat(body.get("yaml12Octal").textValue()).isEqualTo("0o17");
    assertThat(body.get("quoted").textValue()).isEqualTo("0777");
    assertThat(body.get("exponent").isDouble()).isTrue();
    assertThat(body.get("exponent").doubleValue()).isEqualTo(1000.0);
    assertThat(body.get("hex").intValue()).isEqualTo(31);
    assertThat(body.get("underscores").intValue()).isEqualTo(1000);
    assertThat(body.get("tilde").isNull()).isTrue();
    assertThat(body.get("taggedString").textValue()).isEqualTo("12");
    assertThat(body.get("taggedInt").intValue()).isEqualTo(3);
    assertThat(body.get("big").bigIntegerValue()).isEqualTo(new BigInteger("12345678901234567890"));
  }

  @Test
  void refusesInfinityWithItsLine() {
    InvalidDesiredStateException e =
        catchThrowableOfType(
            InvalidDesiredStateException.class,
            () -> decoder.decode(SourceFile.of("inf.yaml", "a: 1\nb: .inf\n")));

    assertThat(e.problems()).extracting(p -> p.origin().line()).containsExactly(2);
  }

  @Test
  void expandsAliasesAndMergeKeysIntoCopies() throws Exception {
    String yaml =
        String.join(
            "\n",
            "base: &base {a: 1, b: 2}",
            "extra: &extra",
            "  b: 20",
            "  c: 30",
            "list: &list [x, y]",
            "name: &name web",
            "tagged: !!str &num 42",
            "merged:",
            "  a: explicit-before",
            "  <<: [*base, *extra]",
            "  c: explicit-after",
            "copies: [*base, *list, *name, *num]",
            "");

    JsonNode body = decoder.decode(SourceFile.of("aliases.yaml", yaml)).get(0).body();

    assertThat(body.get("merged").toString())
        .isEqualTo("{\"a\":\"explicit-before\",\"b\":2,\"c\":\"explicit-after\"}");
    assertThat(body.get("copies").toString())
        .isEqualTo("[{\"a\":1,\"b\":2},[\"x\",\"y\"],\"web\",\"42\"]");
    assertThat(body.get("copies").get(0)).isNotSameAs(body.get("base"));
  }

  @Test
  void mapsScalarAnchorsPastCharactersOutsideTheBasicPlane() throws Exception {
    String yaml =
        "emoji: \"\uD83D\uDE00\uD83D\uDE00\"\nflow: {a: \"\uD83D\uDE00\", b: &x v}\nc: *x\n";

    JsonNode body = decoder.decode(SourceFile.of("emoji.yaml", yaml)).get(0).body();

    assertThat(body.get("c").textValue()).isEqualTo("v");
  }

  @Test
  void tagsAndAnchorsDoNotLeakToLaterValues() throws Exception {
    String yaml = "a: !!str x\nb: {c: 1}\nd: &m {e: 1}\nf: {g: 2}\nh: [*m]\n";

    JsonNode body = decoder.decode(SourceFile.of("leak.yaml", yaml)).get(0).body();

    assertThat(body.toString())
        .isEqualTo(
            "{\"a\":\"x\",\"b\":{\"c\":1},\"d\":{\"e\":1},\"f\":{\"g\":2},\"h\":[{\"e\":1}]}");
  }

  @Test
  void anAliasMayNotCarryNestingBeyondTheLimit() {
    ManifestDecoder shallow =
        ManifestDecoder.custom().limits(DecodeLimits.custom().maxDepth(4).build()).build();
    // The anchored value is 3 levels deep; placed at level 3 it would reach level 5.
    String yaml = "a: &deep {b: {c: {}}}\nx:\n  y: *deep\n";

    InvalidDesiredStateException e =
        catchThrowableOfType(
            InvalidDesiredStateException.class,
            () -> shallow.decode(SourceFile.of("deep.yaml", yaml)));

    assertThat(e.problems()).hasSize(1);
    assertThat(e.problems().get(0).origin()).isEqualTo(new Origin("deep.yaml", 3, 6));
    assertThat(e.getMessage()).contains("nesting deeper than 4 levels");
  }

  @Test
  void budgetsAliasExpansionPerFileAcrossDocuments() {
    ManifestDecoder small =
        ManifestDecoder.custom().limits(DecodeLimits.custom().maxAliasNodes(10).build()).build();
    String document = "a: &l [1, 2, 3]\nb: *l\n";

    InvalidDesiredStateException e =
        catchThrowableOfType(
            InvalidDesiredStateException.class,
            () ->
                small.decode(
                    SourceFile.of("b.yaml", document + "---\n" + document + "---\n" + document)));

    // Each alias adds 4 values: the third one, in the third document, crosses 10.
    assertThat(e.problems())
        .extracting(Problem::origin)
        .containsExactly(new Origin("b.yaml", 8, 4));
    assertThat(e.getMessage()).contains("possible alias bomb");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "\n\n", "# only a comment\n", "---\n", "---\n---\n# c\n", "~\n", "null\n"})
  void emptyYamlDocumentsAreSkipped(String content) throws Exception {
    assertThat(decoder.decode(SourceFile.of("empty.yaml", content))).isEmpty();
  }

  @Test
  void jsonNullIsEmptyButJsonListIsRefused() throws Exception {
    assertThat(decoder.decode(SourceFile.of("empty.json", "null"))).isEmpty();
    assertThat(decoder.decode(SourceFile.of("blank.json", "  \n"))).isEmpty();
    assertThatThrownBy(() -> decoder.decode(SourceFile.of("list.json", "\n[{\"a\": 1}]")))
        .isInstanceOf(InvalidDesiredStateException.class)
        .hasMessage(
            "list.json:2:1: document is a list, not a mapping;"
                + " each document must declare one resource");
  }

  @Test
  void collectsEveryProblemOfAFileThatStillParses() {
    String yaml = "a: 1\na: 2\n---\n- x\n---\nb: !custom y\n\"\": z\n";

    InvalidDesiredStateException e =
        catchThrowableOfType(
            InvalidDesiredStateException.class,
            () -> decoder.decode(SourceFile.of("many.yaml", yaml)));

    assertThat(e.problems())
        .extracting(p -> p.origin().line() + " " + p.message().split(" ")[0])
        .containsExactly("2 duplicate", "4 document", "6 YAML", "7 empty");
  }

  @Test
  void neverRepeatsAMalformedTokenThatMayBeASecret() {
    InvalidDesiredStateException e =
        catchThrowableOfType(
            InvalidDesiredStateException.class,
            () ->
                decoder.decode(
                    SourceFile.of("secret.json", "{\n  \"password\": hunter2swordfish\n}")));

    assertThat(e.getMessage()).startsWith("secret.json:2:").doesNotContain("hunter2");
  }

  @Test
  void reportsControlCharactersAtTheirColumn() {
    InvalidDesiredStateException e =
        catchThrowableOfType(
            InvalidDesiredStateException.class,
            () -> decoder.decode(SourceFile.of("ctl.yaml", "a: 1\r\nb: x\u0007y\r\n")));

    assertThat(e.problems().get(0).origin()).isEqualTo(new Origin("ctl.yaml", 2, 5));
    assertThat(e.getMessage()).contains("U+0007");
  }

  @Test
  void reportsControlCharactersAfterNonAsciiTextAtTheirColumnInCodePoints() {
    // "é" and "😀" are one column each; the bad character is the 7th on line 3.
    String text = "a: 1\nb: x\rc: é😀ab\u0085\u009Fz\n";
    InvalidDesiredStateException e =
        catchThrowableOfType(
            InvalidDesiredStateException.class,
            () -> decoder.decode(SourceFile.of("c1.yaml", text)));

    assertThat(e.problems()).hasSize(1);
    assertThat(e.problems().get(0).origin()).isEqualTo(new Origin("c1.yaml", 3, 9));
    assertThat(e.getMessage()).contains("control character U+009F is not allowed in YAML");

    InvalidDesiredStateException del =
        catchThrowableOfType(
            InvalidDesiredStateException.class,
            () -> decoder.decode(SourceFile.of("del.yaml", "a: é\nb: x\u007Fy\n")));
    assertThat(del.problems().get(0).origin()).isEqualTo(new Origin("del.yaml", 2, 5));
    assertThat(del.getMessage()).contains("U+007F");
  }

  @Test
  void acceptsNonAsciiTextAndRawDeleteInJson() throws Exception {
    JsonNode yaml = decoder.decode(SourceFile.of("u.yaml", "a: é😀x\nb: \u00A0ok\n")).get(0).body();
    assertThat(yaml.path("a").asText()).startsWith("é😀");
    JsonNode json = decoder.decode(SourceFile.of("u.json", "{\"a\": \"x\u007Fé\"}")).get(0).body();
    assertThat(json.path("a").asText()).isEqualTo("x\u007Fé");
  }

  @Test
  void keepsKeyOrder() throws Exception {
    JsonNode body = decoder.decode(SourceFile.of("o.yaml", "z: 1\na: 2\nm: 3\n")).get(0).body();

    assertThat(body.fieldNames()).toIterable().containsExactly("z", "a", "m");
  }

  @Test
  void acceptsOnlyManifestExtensions() {
    assertThat(decoder.accepts(SourceFile.of("a/b.YAML", ""))).isTrue();
    assertThat(decoder.accepts(SourceFile.of("b.yml", ""))).isTrue();
    assertThat(decoder.accepts(SourceFile.of("b.json", ""))).isTrue();
    assertThat(decoder.accepts(SourceFile.of("README.md", ""))).isFalse();
    assertThatThrownBy(() -> decoder.decode(SourceFile.of("notes.txt", "a: 1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("notes.txt");
  }

  @Test
  void limitsFailFast() {
    assertThatThrownBy(() -> DecodeLimits.custom().maxDepth(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDepth");
    assertThatThrownBy(() -> new DecodeLimits(1, 1, 1, 1, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAliasNodes");
    assertThatThrownBy(() -> DecodeLimits.custom().maxDepth(DecodeLimits.MAX_DEPTH_CEILING + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 1000");
    DecodeLimits custom = DecodeLimits.custom().maxDocuments(3).build();
    assertThat(custom.maxDocuments()).isEqualTo(3);
    assertThat(custom.maxFileBytes()).isEqualTo(DecodeLimits.ofDefaults().maxFileBytes());
    assertThat(ManifestDecoder.custom().limits(custom).build().limits()).isEqualTo(custom);
  }

  @Test
  void honoursSmallerLimits() {
    ManifestDecoder small =
        ManifestDecoder.custom().limits(DecodeLimits.custom().maxFileBytes(10).build()).build();
    ManifestDecoder few =
        ManifestDecoder.custom().limits(DecodeLimits.custom().maxDocuments(2).build()).build();

    assertThatThrownBy(() -> small.decode(SourceFile.of("big.yaml", "a: 1\nb: 2\nc: 3\n")))
        .hasMessageStartingWith("big.yaml:3:1: file is 15 bytes, more than the limit of 10");
    assertThatThrownBy(() -> few.decode(SourceFile.of("docs.yaml", "a: 1\n---\nb: 2\n---\nc: 3\n")))
        .hasMessageStartingWith("docs.yaml:5:1: more than 2 documents");
  }
}
