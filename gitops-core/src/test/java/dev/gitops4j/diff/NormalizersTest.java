package dev.gitops4j.diff;

import static dev.gitops4j.diff.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.ResourceId;
import org.junit.jupiter.api.Test;

class NormalizersTest {

  private static final ResourceId ID = ResourceId.of("apps/Deployment", "shop", "web");

  @Test
  void removeFieldsSupportsWildcardsAndEscapes() {
    JsonNode body =
        json(
            "{'status':{},'metadata':{'annotations':{'a/b':1,'c~d':2,'keep':3}},"
                + "'spec':{'containers':[{'name':'a','tmp':1},{'name':'b','tmp':2}]}}");
    JsonNode normalized =
        Normalizers.removeFields(
                "/status",
                "/metadata/annotations/a~1b",
                "/metadata/annotations/c~0d",
                "/spec/containers/*/tmp")
            .normalize(ID, body);
    assertThat(normalized)
        .isEqualTo(
            json(
                "{'metadata':{'annotations':{'keep':3}},'spec':{'containers':[{'name':'a'},{'name':'b'}]}}"));
  }

  @Test
  void globstarMatchesAnyDepth() {
    JsonNode body = json("{'uid':1,'a':{'uid':2,'b':[{'uid':3,'x':1}]}}");
    assertThat(Normalizers.removeFields("/**/uid").normalize(ID, body))
        .isEqualTo(json("{'a':{'b':[{'x':1}]}}"));
  }

  @Test
  void arrayIndexesCanBeNamed() {
    assertThat(Normalizers.removeFields("/a/1").normalize(ID, json("{'a':[0,1,2]}")))
        .isEqualTo(json("{'a':[0,2]}"));
    assertThat(Normalizers.removeFields("/a/5").normalize(ID, json("{'a':[0]}")))
        .isEqualTo(json("{'a':[0]}"));
  }

  @Test
  void unchangedBodiesAreReturnedAsIsAndUntouchedSubtreesShared() {
    JsonNode body = json("{'spec':{'a':1},'metadata':{'name':'x'},'status':{'r':1}}");
    assertThat(Normalizers.removeFields("/nope", "/spec/b").normalize(ID, body)).isSameAs(body);
    assertThat(Normalizers.dropNulls().normalize(ID, body)).isSameAs(body);
    assertThat(Normalizers.dropEmpty().normalize(ID, body)).isSameAs(body);
    JsonNode stripped = Normalizers.removeFields("/status").normalize(ID, body);
    assertThat(stripped.get("spec")).isSameAs(body.get("spec"));
    assertThat(body.has("status")).isTrue();
  }

  @Test
  void dropNullsAndDropEmpty() {
    JsonNode body = json("{'a':null,'b':{'c':null,'d':[]},'e':[null,{}],'f':0}");
    assertThat(Normalizers.dropNulls().normalize(ID, body))
        .isEqualTo(json("{'b':{'d':[]},'e':[null,{}],'f':0}"));
    assertThat(Normalizers.dropEmpty().normalize(ID, body))
        .isEqualTo(json("{'e':[null,{}],'f':0}"));
  }

  @Test
  void onlyForKindAndAndThen() {
    Normalizer status = Normalizers.onlyForKind("apps/*", Normalizers.removeFields("/status"));
    Normalizer both = status.andThen(Normalizers.dropNulls());
    JsonNode body = json("{'status':1,'x':null}");
    assertThat(both.normalize(ID, body)).isEqualTo(json("{}"));
    assertThat(both.normalize(ResourceId.of("Service", "s", "n"), body))
        .isEqualTo(json("{'status':1}"));
  }
}
