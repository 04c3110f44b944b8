package dev.gitops4j.k8s.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

class HelmHooksTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static JsonNode object(String annotations) throws Exception {
    return YAML.readTree(
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n"
            + annotations);
  }

  @Test
  void onlyHooksWithBeforeHookCreationAreReplacedOnChange() throws Exception {
    assertThat(
            HelmHooks.replacedOnChange(
                object(
                    "    helm.sh/hook: pre-upgrade\n"
                        + "    helm.sh/hook-delete-policy: hook-succeeded, before-hook-creation\n")))
        .isTrue();
    assertThat(
            HelmHooks.replacedOnChange(
                object(
                    "    helm.sh/hook: pre-upgrade\n"
                        + "    helm.sh/hook-delete-policy: hook-succeeded,hook-failed\n")))
        .as("the policies that delete after the run do not apply")
        .isFalse();
    assertThat(
            HelmHooks.replacedOnChange(
                object("    helm.sh/hook-delete-policy: before-hook-creation\n")))
        .as("not a hook")
        .isFalse();
    assertThat(HelmHooks.replacedOnChange(object("    helm.sh/hook: post-install\n"))).isFalse();
  }
}
