package dev.gitops4j.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import dev.gitops4j.sync.ApplyOptions;
import dev.gitops4j.test.ForwardingSession;
import dev.gitops4j.test.TargetContractTest;
import dev.gitops4j.test.Testbed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every target must meet, run against real OpenTofu with the local provider from the
 * testbed's mirror.
 *
 * <p>Terraform plans whole configurations, while the contract declares one resource per pass. Each
 * sample is therefore a {@code local_file} block in a {@code <name>.tf} file of its own, and each
 * session of the contract is preceded by what a pass does before it opens one: a commit and its
 * rendering. That commit ({@link Commits}) edits the configuration as last applied the way the
 * contract's pass asks: the declared resources' files are written, the files of resources the pass
 * holds in its inventory without declaring them are removed (they are to be pruned), and the files
 * of everything else stay, since a resource missing from a Terraform configuration is one to
 * destroy. The renderer, the sessions and everything they report are the real target's.
 */
class TerraformContractIT extends TargetContractTest {

  private static final String APP = "contract";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What every revision of the contract's configuration holds besides its resources. */
  private static final String VERSIONS =
      "terraform {\n"
          + "  required_providers {\n"
          + "    local = {\n"
          + "      source = \"hashicorp/local\"\n"
          + "    }\n"
          + "  }\n"
          + "}\n";

  @TempDir Path dir;

  private final List<TerraformTarget> opened = new ArrayList<>();
  private Path out;

  @Override
  protected TargetUnderTest newTarget() throws Exception {
    Testbed testbed = Testbed.get();
    out = Files.createDirectories(dir.resolve("out"));
    TerraformTarget terraform =
        TerraformTarget.builder(dir.resolve("tf"))
            .binary(testbed.tofu())
            .cliConfig(testbed.tofuCliConfig())
            .commandTimeout(Duration.ofMinutes(2))
            .build();
    opened.add(terraform);
    return new TargetUnderTest(Commits.before(terraform.target(APP)), APP);
  }

  @AfterEach
  void closeTargets() {
    opened.forEach(TerraformTarget::close);
  }

  /** A file the local provider writes: {@code local_file.<name>} in {@code <name>.tf}. */
  @Override
  protected DesiredResource sample(String name) {
    ObjectNode body = JSON.createObjectNode();
    body.put("filename", out.resolve(name + ".txt").toString());
    body.put("content", "blue");
    return new DesiredResource(
        ResourceId.of("local_file", name), body, Origin.of(name + ".tf", 1), "r1");
  }

  @Override
  protected DesiredResource modified(DesiredResource resource) {
    ObjectNode body = resource.body().deepCopy();
    body.put("content", "red");
    return new DesiredResource(resource.id(), body, resource.origin(), "r2");
  }

  /**
   * Turns the resources a session of the contract declares into a commit of configuration files,
   * rendered by the real target's renderer before the real session observes. A session that applies
   * (not a dry run) makes its commit the configuration as last applied.
   */
  static final class Commits {
    private final Target real;
    private final Map<ResourceId, DesiredResource> applied = new LinkedHashMap<>();

    private Commits(Target real) {
      this.real = real;
    }

    static Target before(Target real) {
      Commits commits = new Commits(real);
      return Target.builder(real.endpoint())
          .renderer(real.renderer())
          .sessions(context -> commits.new Session(real.sessions().open(context)))
          .inventoryStore(real.inventoryStore())
          .build();
    }

    /** The real session, after a commit of what the contract's pass declares. */
    final class Session extends ForwardingSession {
      private Map<ResourceId, DesiredResource> committed = Map.of();

      Session(TargetSession session) {
        super(session);
      }

      @Override
      public LiveState observe(DesiredState desired, Inventory inventory) throws TargetException {
        Map<ResourceId, DesiredResource> config;
        synchronized (Commits.this) {
          config = new LinkedHashMap<>(applied);
        }
        config.keySet().removeIf(id -> inventory.contains(id) && desired.get(id).isEmpty());
        config.putAll(desired.resources());
        committed = config;
        try {
          real.renderer().render(snapshot(desired.revision(), config));
        } catch (InvalidDesiredStateException e) {
          throw new IllegalStateException("the contract's configuration is invalid", e);
        }
        return delegate.observe(desired, inventory);
      }

      @Override
      public String apply(Step step, ApplyOptions options) throws TargetException {
        String result = delegate.apply(step, options);
        if (!options.dryRun()) {
          synchronized (Commits.this) {
            applied.clear();
            applied.putAll(committed);
          }
        }
        return result;
      }
    }

    private static Snapshot snapshot(String revision, Map<ResourceId, DesiredResource> config) {
      List<SourceFile> files = new ArrayList<>();
      files.add(SourceFile.of("versions.tf", VERSIONS));
      for (DesiredResource resource : config.values()) {
        files.add(SourceFile.of(resource.origin().file(), hcl(resource)));
      }
      return new Snapshot(revision, null, files);
    }

    /** {@code resource "<kind>" "<name>" { key = "value" ... }} of a body of strings. */
    private static String hcl(DesiredResource resource) {
      StringBuilder block = new StringBuilder();
      block
          .append("resource \"")
          .append(resource.id().kind())
          .append("\" \"")
          .append(resource.id().name())
          .append("\" {\n");
      for (Iterator<Map.Entry<String, JsonNode>> it = resource.body().properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        block
            .append("  ")
            .append(field.getKey())
            .append(" = \"")
            .append(
                field
                    .getValue()
                    .asText()
                    .replace("\\", "\\\\")
                    .replace("\"", "\\\"")
                    .replace("${", "$${"))
            .append("\"\n");
      }
      return block.append("}\n").toString();
    }
  }
}
