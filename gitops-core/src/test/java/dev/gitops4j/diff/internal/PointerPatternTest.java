package dev.gitops4j.diff.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class PointerPatternTest {

  private static JsonNode json(String text) throws Exception {
    return new ObjectMapper().readTree(text.replace('\'', '"'));
  }

  @Test
  void matchesAndCovers() {
    PointerPattern pattern = PointerPattern.parse("/spec/*/image");
    assertThat(pattern.matches(List.of("spec", "0", "image"))).isTrue();
    assertThat(pattern.matches(List.of("spec", "0", "image", "x"))).isFalse();
    assertThat(pattern.covers(List.of("spec", "0", "image", "x"))).isTrue();
    assertThat(pattern.covers(List.of("spec", "0"))).isFalse();
    PointerPattern deep = PointerPattern.parse("/**/uid");
    assertThat(deep.matches(List.of("uid"))).isTrue();
    assertThat(deep.matches(List.of("a", "b", "uid"))).isTrue();
    assertThat(deep.matches(List.of("a", "uid", "b"))).isFalse();
  }

  @Test
  void matchesWalkStacksWithIndexes() {
    PointerPattern pattern = PointerPattern.parse("/items/1/ports");
    String[] names = {"items", null, "ports"};
    int[] indexes = {0, 1, 0};
    assertThat(pattern.matchesStack(names, indexes, 3)).isTrue();
    indexes[1] = 2;
    assertThat(pattern.matchesStack(names, indexes, 3)).isFalse();
    assertThat(PointerPattern.parse("/items/*/ports").matchesStack(names, indexes, 3)).isTrue();
    assertThat(PointerPattern.parse("/**/ports").matchesStack(names, indexes, 3)).isTrue();
    assertThat(PointerPattern.parse("/items/*/ports").matchesStack(names, indexes, 2)).isFalse();
  }

  @Test
  void removeIsCopyOnWrite() throws Exception {
    JsonNode body = json("{'a':{'b':1,'c':2},'d':{'e':3}}");
    JsonNode result = PointerPattern.parse("/a/b").remove(body);
    assertThat(result).isEqualTo(json("{'a':{'c':2},'d':{'e':3}}"));
    assertThat(result.get("d")).isSameAs(body.get("d"));
    assertThat(body.at("/a/b").intValue()).isEqualTo(1);
    assertThat(PointerPattern.parse("/a/x").remove(body)).isSameAs(body);
    assertThat(PointerPattern.parse("/a/b/c").remove(body)).isSameAs(body);
  }

  @Test
  void replaceReportsPointers() throws Exception {
    JsonNode body = json("{'a':[{'k':'x'},{'k':'y'}]}");
    JsonNode result =
        PointerPattern.parse("/a/*/k").replace(body, (pointer, value) -> TextNode.valueOf(pointer));
    assertThat(result).isEqualTo(json("{'a':[{'k':'/a/0/k'},{'k':'/a/1/k'}]}"));
    assertThat(PointerPattern.parse("/a/*/k").replace(body, (pointer, value) -> value))
        .isSameAs(body);
  }

  @Test
  void pointersEscapeAndParse() {
    assertThat(Pointers.escape("a/b~c")).isEqualTo("a~1b~0c");
    assertThat(Pointers.parse("/a~1b~0c/~01")).containsExactly("a/b~c", "~1");
    assertThat(Pointers.parse("/")).containsExactly("");
    assertThat(Pointers.join(List.of("a/b", "0"))).isEqualTo("/a~1b/0");
    assertThat(Pointers.index("01")).isEqualTo(-1);
    assertThat(Pointers.index("10")).isEqualTo(10);
  }

  @Test
  void globs() {
    assertThat(Glob.matches("apps/*", "apps/Deployment")).isTrue();
    assertThat(Glob.matches("*ment", "apps/Deployment")).isTrue();
    assertThat(Glob.matches("web-?", "web-12")).isFalse();
    assertThat(Glob.matches("*", "")).isTrue();
    assertThat(Glob.matches("a*b*c", "aXXbYYc")).isTrue();
    assertThat(Glob.matches("a*b*c", "aXXbYY")).isFalse();
  }
}
