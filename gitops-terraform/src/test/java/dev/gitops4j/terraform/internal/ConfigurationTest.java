package dev.gitops4j.terraform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigurationTest {

  @Test
  void initBlocksAreTheTerraformAndModuleBlocksOnly() {
    String config =
        "terraform {\n  required_providers {\n    local = { source = \"hashicorp/local\" }\n  }\n}\n"
            + "resource \"local_file\" \"a\" {\n  content = \"x\"\n}\n"
            + "module \"m\" {\n  source = \"./mod\"\n}\n";
    String blocks = Configuration.initBlocks(config);
    assertThat(blocks).contains("hashicorp/local").contains("./mod").doesNotContain("content");
    // A resource edit does not change what init depends on.
    assertThat(Configuration.initBlocks(config.replace("\"x\"", "\"y\""))).isEqualTo(blocks);
  }

  @Test
  void validateErrorsBecomeProblemsWithFileAndLine() {
    String validate =
        "{\"valid\":false,\"error_count\":1,\"diagnostics\":[{\"severity\":\"error\","
            + "\"summary\":\"Unsupported argument\",\"detail\":\"An argument named \\\"x\\\" is"
            + " not expected here.\",\"range\":{\"filename\":\"mod/main.tf\",\"start\":{\"line\":7,"
            + "\"column\":3}}},{\"severity\":\"warning\",\"summary\":\"Deprecated\"}]}";
    List<Problem> problems = Configuration.validationProblems(validate, new Redactor(List.of()));
    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).origin()).isEqualTo(new Origin("mod/main.tf", 7, 3));
    assertThat(problems.get(0).toString()).startsWith("mod/main.tf:7:3: Unsupported argument");
  }
}
