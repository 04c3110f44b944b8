package dev.gitops4j.vm;

import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.render.ManifestDecoder;
import dev.gitops4j.render.Renderer;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.vm.internal.FieldChecks;
import dev.gitops4j.vm.internal.HostExpansion;
import dev.gitops4j.vm.internal.InventoryFile;
import dev.gitops4j.vm.internal.PathRules;
import dev.gitops4j.vm.internal.ResourceDocuments;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Renders host configuration from YAML: an inventory file of hosts and groups, and documents of
 * resources ({@code file}, {@code directory}, {@code symlink}, {@code absent}) and {@code onChange}
 * handlers. Identities are {@code ResourceId(kind, host, absolute path)}; handlers are {@code
 * ResourceId("handler", host, name)}.
 *
 * <p>Everything is validated before anything is returned, and every problem names file and line:
 * unknown fields, unknown hosts, groups, handlers or variables, a path that is not absolute and
 * plain or lies outside the allowed roots, a missing {@code source} file. See docs/vm.md for the
 * format.
 */
public final class VmRenderer implements Renderer {

  /** Largest file content accepted, inline or from the repository. */
  public static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

  private final List<String> allowedRoots;
  private final List<String> reservedPaths;
  private final String inventoryFile;
  private final String filesDirectory;
  private final String defaultHost;
  private final ManifestDecoder decoder;

  private VmRenderer(Builder builder) {
    this.allowedRoots = List.copyOf(builder.allowedRoots);
    this.reservedPaths = List.copyOf(builder.reservedPaths);
    this.inventoryFile = builder.inventoryFile;
    this.filesDirectory = builder.filesDirectory;
    this.defaultHost = builder.defaultHost;
    this.decoder = builder.decoder;
  }

  public static Builder custom() {
    return new Builder();
  }

  public List<String> allowedRoots() {
    return allowedRoots;
  }

  /** Result of rendering: the resources of every host and the hosts themselves. */
  public record Rendered(DesiredState desired, Map<String, VmHost> hosts) {}

  @Override
  public DesiredState render(Snapshot snapshot) throws InvalidDesiredStateException {
    return renderAll(snapshot).desired();
  }

  /** Renders and returns the hosts of the inventory as well. */
  public Rendered renderAll(Snapshot snapshot) throws InvalidDesiredStateException {
    FieldChecks checks = new FieldChecks();
    InventoryFile.Hosts hosts =
        InventoryFile.read(snapshot, inventoryFile, defaultHost, decoder, checks);
    ResourceDocuments documents =
        ResourceDocuments.read(snapshot, inventoryFile, filesDirectory, decoder, hosts, checks);
    // Expand even after problems, so one run reports every problem of the revision.
    List<DesiredResource> resources =
        new HostExpansion(
                allowedRoots, reservedPaths, snapshot, hosts, documents, checks, MAX_FILE_BYTES)
            .expand();
    if (checks.hasProblems()) {
      throw new InvalidDesiredStateException(checks.problems());
    }
    return new Rendered(DesiredState.of(snapshot.revision(), resources), hosts.hosts());
  }

  /** Builds a {@link VmRenderer}; at least one allowed root is required. */
  public static final class Builder {
    private final List<String> allowedRoots = new ArrayList<>();
    private final List<String> reservedPaths = new ArrayList<>();
    private String inventoryFile = "inventory.yaml";
    private String filesDirectory = "files";
    private String defaultHost = "localhost";
    private ManifestDecoder decoder = ManifestDecoder.ofDefaults();

    private Builder() {}

    /** A directory resources may live in (strictly below it), e.g. {@code /etc/nginx}. */
    public Builder allowedRoot(String root) {
      Objects.requireNonNull(root, "root");
      String bad = PathRules.checkPlain(root);
      if (bad != null) {
        throw new IllegalArgumentException("allowed root: " + bad);
      }
      allowedRoots.add(root);
      return this;
    }

    /** A path no resource may be at or below (the target's own state directory). */
    public Builder reservedPath(String path) {
      String bad = PathRules.checkPlain(Objects.requireNonNull(path, "path"));
      if (bad != null) {
        throw new IllegalArgumentException("reserved path: " + bad);
      }
      reservedPaths.add(path);
      return this;
    }

    /** Repository path of the inventory (default {@code inventory.yaml}). */
    public Builder inventoryFile(String path) {
      this.inventoryFile = Objects.requireNonNull(path, "path");
      return this;
    }

    /** Folder of files referenced by {@code source:}; never read as documents (default files). */
    public Builder filesDirectory(String path) {
      this.filesDirectory = Objects.requireNonNull(path, "path");
      return this;
    }

    /** The single host used when the repository has no inventory file (default localhost). */
    public Builder defaultHost(String name) {
      if (!FieldChecks.NAME.matcher(Objects.requireNonNull(name, "name")).matches()) {
        throw new IllegalArgumentException("host name must match " + FieldChecks.NAME.pattern());
      }
      this.defaultHost = name;
      return this;
    }

    public Builder decoder(ManifestDecoder decoder) {
      this.decoder = Objects.requireNonNull(decoder, "decoder");
      return this;
    }

    public VmRenderer build() {
      if (allowedRoots.isEmpty()) {
        throw new IllegalStateException("at least one allowed root is required");
      }
      return new VmRenderer(this);
    }
  }
}
