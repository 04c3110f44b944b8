package dev.gitops4j.render;

import dev.gitops4j.model.DesiredResource;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.Origin;
import dev.gitops4j.model.Problem;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.render.internal.DecodedFiles;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceFile;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Renders plain manifests: every {@code .yaml}, {@code .yml} and {@code .json} file of a snapshot
 * becomes resources, one per document; other files are ignored. Immutable and thread-safe; start
 * from {@link #ofDefaults()} or {@link #custom()}.
 *
 * <p>Decoded files are remembered by path and content (up to 20,000 files and 64 MiB of content,
 * least recently used first out), so rendering a new revision decodes only the files that changed.
 *
 * <p>All files are decoded and every identity resolved before anything is returned: the exception
 * lists every problem of every file (syntax, limits, missing identity fields, a resource declared
 * twice, naming both places), so a revision is either entirely valid or not used at all.
 */
public final class ManifestRenderer implements Renderer {

  private static final int CACHED_FILES = 20_000;
  private static final long CACHED_BYTES = 64L * 1024 * 1024;

  private final ManifestDecoder decoder;
  private final IdentityResolver identityResolver;
  private final PathMatcher include;
  private final PathMatcher exclude;
  private final DecodedFiles decoded = new DecodedFiles(CACHED_FILES, CACHED_BYTES);

  private ManifestRenderer(Builder builder) {
    this.decoder = builder.decoder;
    this.identityResolver = builder.identityResolver;
    this.include = builder.include;
    this.exclude = builder.exclude;
  }

  /** Default decoder, {@link IdentityResolver#kubernetesStyle()}, every manifest file. */
  public static ManifestRenderer ofDefaults() {
    return custom().build();
  }

  public static Builder custom() {
    return new Builder();
  }

  @Override
  public DesiredState render(Snapshot snapshot) throws InvalidDesiredStateException {
    List<Problem> problems = new ArrayList<>();
    List<DesiredResource> resources = new ArrayList<>();
    Map<ResourceId, Origin> declared = new HashMap<>();
    for (SourceFile file : snapshot.files()) {
      if (!selected(file)) {
        continue;
      }
      List<Manifest> manifests = decoded.get(file);
      boolean known = manifests != null;
      if (!known) {
        try {
          manifests = decoder.decode(file);
        } catch (InvalidDesiredStateException e) {
          problems.addAll(e.problems());
          continue;
        }
      }
      boolean identified = true;
      for (Manifest manifest : manifests) {
        ResourceId id = identify(manifest, problems);
        if (id == null) {
          identified = false;
          continue;
        }
        Origin first = declared.putIfAbsent(id, manifest.origin());
        if (first != null) {
          problems.add(
              new Problem(
                  manifest.origin(),
                  "duplicate resource " + id + " (first declared at " + first + ")"));
          continue;
        }
        resources.add(
            new DesiredResource(id, manifest.body(), manifest.origin(), snapshot.revision()));
      }
      if (!known && identified) {
        // Kept without the locations of their values: those only serve to report where an
        // identity cannot be read, and these identities were read.
        decoded.put(file, manifests.stream().map(m -> Manifest.of(m.origin(), m.body())).toList());
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidDesiredStateException(problems);
    }
    return DesiredState.of(snapshot.revision(), resources);
  }

  private ResourceId identify(Manifest manifest, List<Problem> problems) {
    try {
      ResourceId id = identityResolver.resolve(manifest.body());
      if (id == null) {
        problems.add(new Problem(manifest.origin(), "the identity resolver returned no identity"));
      }
      return id;
    } catch (IdentityResolver.UnresolvableException e) {
      problems.add(new Problem(manifest.locate(e.pointer()), e.getMessage()));
    } catch (RuntimeException e) {
      // A faulty resolver must not abort the whole render; report it like bad input.
      problems.add(
          new Problem(
              manifest.origin(), "the identity resolver failed: " + e.getClass().getSimpleName()));
    }
    return null;
  }

  private boolean selected(SourceFile file) {
    if (!decoder.accepts(file)) {
      return false;
    }
    if (include == null && exclude == null) {
      return true;
    }
    Path path;
    try {
      path = Path.of(file.path());
    } catch (InvalidPathException e) {
      return false;
    }
    return (include == null || include.matches(path))
        && (exclude == null || !exclude.matches(path));
  }

  /** Builder for {@link ManifestRenderer}. */
  public static final class Builder {
    private ManifestDecoder decoder = ManifestDecoder.ofDefaults();
    private IdentityResolver identityResolver = IdentityResolver.kubernetesStyle();
    private PathMatcher include;
    private PathMatcher exclude;

    private Builder() {}

    public Builder decoder(ManifestDecoder decoder) {
      this.decoder = Objects.requireNonNull(decoder, "decoder");
      return this;
    }

    public Builder identityResolver(IdentityResolver identityResolver) {
      this.identityResolver = Objects.requireNonNull(identityResolver, "identityResolver");
      return this;
    }

    /**
     * Reads only manifest files whose path matches {@code glob} ({@link
     * java.nio.file.FileSystem#getPathMatcher} syntax, e.g. {@code apps/**}).
     */
    public Builder include(String glob) {
      this.include = matcher(glob);
      return this;
    }

    /**
     * Skips files whose path matches {@code glob}, e.g. {@code {.*,**}/.*}/** } for hidden ones.
     */
    public Builder exclude(String glob) {
      this.exclude = matcher(glob);
      return this;
    }

    public ManifestRenderer build() {
      return new ManifestRenderer(this);
    }

    private static PathMatcher matcher(String glob) {
      Objects.requireNonNull(glob, "glob");
      if (glob.isBlank()) {
        throw new IllegalArgumentException("glob must not be blank");
      }
      // Fails fast on a malformed pattern.
      return FileSystems.getDefault().getPathMatcher("glob:" + glob);
    }
  }
}
