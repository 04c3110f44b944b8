package dev.gitops4j.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class VmRendererTest {

  private static final String INVENTORY =
      """
      hosts:
        - name: web1
          address: 10.0.0.1
          vars: {port: "8081"}
        - name: web2
          address: 10.0.0.2
          port: 2222
          user: deploy
        - name: db1
      groups:
        - name: web
          hosts: [web1, web2]
          vars: {port: "8080", role: frontend}
      """;

  private final VmRenderer renderer =
      VmRenderer.custom()
          .allowedRoot("/etc/app")
          .allowedRoot("/srv")
          .reservedPath("/var/lib/gitops4j")
          .build();

  private static Snapshot snapshot(String... pathsAndContents) {
    List<SourceFile> files = new ArrayList<>();
    for (int i = 0; i < pathsAndContents.length; i += 2) {
      files.add(SourceFile.of(pathsAndContents[i], pathsAndContents[i + 1]));
    }
    return new Snapshot("rev1", null, files);
  }

  @Test
  void expandsResourcesPerHostWithVariablesAndHandlers() throws Exception {
    VmRenderer.Rendered rendered =
        renderer.renderAll(
            snapshot(
                "inventory.yaml",
                INVENTORY,
                "web.yaml",
                """
                groups: [web]
                handlers:
                  - name: reload
                    command: systemctl reload app-${host.name}
                resources:
                  - directory: /etc/app/conf.d
                    mode: 0750
                  - file: /etc/app/app.conf
                    content: "host=${host.name} port=${vars.port} role=${vars.role} lit=$${x}\\n"
                    mode: "0640"
                    owner: root
                    onChange: reload
                  - file: /etc/app/logo.txt
                    source: files/logo.txt
                  - symlink: /etc/app/current
                    target: conf.d
                  - absent: /etc/app/old.conf
                """,
                "files/logo.txt",
                "logo for ${host.name}"));
    DesiredState desired = rendered.desired();
    assertThat(rendered.hosts()).containsKeys("web1", "web2", "db1");
    assertThat(rendered.hosts().get("web2").port()).isEqualTo(2222);
    assertThat(rendered.hosts().get("web1").vars()).containsEntry("port", "8081");

    DesiredResource conf =
        desired.get(ResourceId.of("file", "web1", "/etc/app/app.conf")).orElseThrow();
    String content =
        new String(
            Base64.getDecoder().decode(conf.body().get("content").asText()),
            StandardCharsets.UTF_8);
    assertThat(content).isEqualTo("host=web1 port=8081 role=frontend lit=${x}\n");
    assertThat(conf.body().get("mode").asText()).isEqualTo("0640");
    assertThat(conf.body().get("sha256").asText()).hasSize(64);
    assertThat(conf.origin().toString()).startsWith("web.yaml:8:");

    DesiredResource web2 =
        desired.get(ResourceId.of("file", "web2", "/etc/app/app.conf")).orElseThrow();
    assertThat(
            new String(
                Base64.getDecoder().decode(web2.body().get("content").asText()),
                StandardCharsets.UTF_8))
        .startsWith("host=web2 port=8080");
    assertThat(
            desired
                .get(ResourceId.of("directory", "web1", "/etc/app/conf.d"))
                .orElseThrow()
                .body()
                .get("mode")
                .asText())
        .isEqualTo("0750");
    DesiredResource logo =
        desired.get(ResourceId.of("file", "web1", "/etc/app/logo.txt")).orElseThrow();
    assertThat(
            new String(
                Base64.getDecoder().decode(logo.body().get("content").asText()),
                StandardCharsets.UTF_8))
        .as("source files are not templates unless asked")
        .isEqualTo("logo for ${host.name}");

    DesiredResource handler = desired.get(ResourceId.of("handler", "web1", "reload")).orElseThrow();
    assertThat(handler.body().get("command").asText()).isEqualTo("systemctl reload app-web1");
    assertThat(handler.body().get("watches").toString()).isEqualTo("[\"file:/etc/app/app.conf\"]");
    assertThat(desired.resources().keySet()).noneMatch(id -> "db1".equals(id.scope()));
    assertThat(desired.size()).isEqualTo(2 * 6);
  }

  @Test
  void pathOutsideTheAllowedRootsIsRefusedWithFileAndLine() {
    assertThatThrownBy(
            () ->
                renderer.render(
                    snapshot(
                        "inventory.yaml",
                        INVENTORY,
                        "apps/bad.yaml",
                        "hosts: [db1]\nresources:\n  - file: /etc/app/ok.conf\n    content: ok\n  - file: /etc/passwd\n    content: x\n")))
        .isInstanceOf(InvalidDesiredStateException.class)
        .hasMessageContaining("apps/bad.yaml:5:")
        .hasMessageContaining("/etc/passwd (host db1) is outside the allowed roots");
  }

  @Test
  void everyProblemIsReportedWithItsLine() {
    InvalidDesiredStateException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            InvalidDesiredStateException.class,
            () ->
                renderer.render(
                    snapshot(
                        "inventory.yaml",
                        INVENTORY,
                        "bad.yaml",
                        String.join(
                            "\n",
                            "hosts: [web1, nosuch]",
                            "resources:",
                            "  - file: /etc/app/../../etc/shadow",
                            "    content: x",
                            "  - file: /etc/app/a.conf",
                            "    content: ${vars.missing}",
                            "  - file: /etc/app/b.conf",
                            "    content: b",
                            "    onChange: nohandler",
                            "  - directory: /srv/data",
                            "    mode: 644",
                            "  - file: /etc/app/c.conf",
                            "    source: files/missing.txt",
                            "  - symlink: /srv/link",
                            "    target: ../etc/shadow",
                            "  - file: /var/lib/gitops4j/x.json",
                            "    content: x",
                            "  - file: /srv/x",
                            "    content: a",
                            "    colour: blue",
                            "  - file: /srv/dup",
                            "    content: a",
                            "  - directory: /srv/dup",
                            ""))));
    assertThat(e.getMessage())
        .contains("bad.yaml:1:", "unknown host nosuch")
        .contains("bad.yaml:3:", "contains a '..' segment")
        .contains("bad.yaml:6:", "unknown variable ${vars.missing}")
        .contains("bad.yaml:9:", "unknown handler nohandler")
        .contains("bad.yaml:11:", "write it in octal")
        .contains("bad.yaml:13:", "files/missing.txt is not in the repository")
        .contains("bad.yaml:15:", "points to /etc/shadow, outside the allowed roots")
        .contains("bad.yaml:16:", "outside the allowed roots")
        .contains("bad.yaml:20:", "unknown field 'colour'")
        .contains("bad.yaml:23:", "path /srv/dup on host web1 is already declared at bad.yaml:21");
  }

  @Test
  void badInventoryIsReportedWithFileAndLine() {
    assertThatThrownBy(
            () ->
                renderer.render(
                    snapshot(
                        "inventory.yaml",
                        "hosts:\n  - name: a\n  - name: a\n  - name: b\n    port: 70000\ngroups:\n  - name: g\n    hosts: [zz]\n")))
        .isInstanceOf(InvalidDesiredStateException.class)
        .hasMessageContaining("inventory.yaml:3:")
        .hasMessageContaining("host a is declared twice")
        .hasMessageContaining("inventory.yaml:5:")
        .hasMessageContaining("port must be 1..65535")
        .hasMessageContaining("inventory.yaml:8:")
        .hasMessageContaining("unknown host zz");
  }

  @Test
  void withoutInventoryEverythingGoesToTheDefaultHost() throws Exception {
    DesiredState desired =
        renderer.render(
            snapshot("a.yaml", "resources:\n  - file: /srv/a\n    content: ${host.name}\n"));
    assertThat(desired.resources().keySet())
        .containsExactly(ResourceId.of("file", "localhost", "/srv/a"));
  }
}
