package dev.gitops4j.terraform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A {@code show -json} document cut down to the parts the redactor reads. */
  private static final String PLAN =
      """
      {
        "variables": {
          "token": {"value": "tok-secret-1"},
          "region": {"value": "eu-west-9"},
          "creds": {"value": {"user": "admin-user", "keys": ["key-secret-2"]}}
        },
        "configuration": {"root_module": {"variables": {
          "token": {"sensitive": true},
          "region": {},
          "creds": {"sensitive": true}
        }}},
        "resource_changes": [{
          "address": "x.y",
          "change": {
            "before": {"password": "old-pass-3", "name": "plain-name"},
            "before_sensitive": {"password": true},
            "after": {"password": "new-pass-4", "name": "plain-name", "tags": ["t1", "tag-secret-5"]},
            "after_sensitive": {"password": true, "tags": [false, true]}
          }
        }],
        "output_changes": {
          "pw": {"before": null, "before_sensitive": false, "after": "out-secret-6", "after_sensitive": true},
          "id": {"before": null, "after": "out-plain-7", "after_sensitive": false}
        },
        "prior_state": {"values": {"root_module": {
          "resources": [],
          "child_modules": [{"resources": [{
            "values": {"secret": "child-secret-8", "id": "child-id"},
            "sensitive_values": {"secret": true}
          }]}]
        }}}
      }
      """;

  @Test
  void codeVariablesAreSecretUntilAPlanSaysWhichAreSensitive() {
    Redactor redactor = new Redactor(List.of("tok-secret-1", "eu-west-9"));

    assertThat(redactor.redact("open /data/tok-secret-1/x in eu-west-9"))
        .isEqualTo("open /data/<redacted>/x in <redacted>");
  }

  @Test
  void aPlanNamesEverySensitiveValueAndFreesThePlainOnes() throws Exception {
    Redactor redactor = new Redactor(List.of("tok-secret-1", "eu-west-9"));
    redactor.learn(JSON.readTree(PLAN));

    String text =
        String.join(
            " ",
            "tok-secret-1",
            "admin-user",
            "key-secret-2",
            "old-pass-3",
            "new-pass-4",
            "tag-secret-5",
            "out-secret-6",
            "child-secret-8",
            "|",
            "eu-west-9",
            "plain-name",
            "out-plain-7",
            "child-id");
    assertThat(redactor.redact(text))
        .isEqualTo("<redacted> ".repeat(8) + "| eu-west-9 plain-name out-plain-7 child-id");
    assertThat(redactor.learned()).isTrue();
  }

  @Test
  void shortValuesAreNotSearchedForAndLongerSecretsWinOverTheirParts() {
    Redactor redactor = new Redactor(List.of("abc", "pass", "password-long"));

    assertThat(redactor.redact("abc pass password-long")).isEqualTo("abc <redacted> <redacted>");
  }

  @Test
  void uiMessagesAreRedactedInEveryTextButOutputsAreData() throws Exception {
    Redactor redactor = new Redactor(List.of("tok-secret-1"));
    JsonNode diagnostic =
        JSON.readTree(
            """
            {"type": "diagnostic", "@message": "Error: open /d/tok-secret-1",
             "diagnostic": {"severity": "error", "summary": "Create failed",
                            "detail": "open /d/tok-secret-1/f: not a directory",
                            "snippet": {"values": [{"statement": "var.token is tok-secret-1"}]}}}
            """);
    JsonNode outputs =
        JSON.readTree(
            """
            {"type": "outputs", "outputs": {"path": {"value": "/d/tok-secret-1"}}}
            """);

    JsonNode redacted = redactor.redact(diagnostic);

    assertThat(redacted.toString()).doesNotContain("tok-secret-1").contains("<redacted>");
    assertThat(redacted.path("diagnostic").path("detail").asText())
        .isEqualTo("open /d/<redacted>/f: not a directory");
    assertThat(diagnostic.toString()).as("the input is left alone").contains("tok-secret-1");
    assertThat(redactor.redact(outputs)).isSameAs(outputs);
  }
}
