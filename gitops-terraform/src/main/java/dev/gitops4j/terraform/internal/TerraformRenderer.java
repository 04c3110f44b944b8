package dev.gitops4j.terraform.internal;

import dev.gitops4j.model.DesiredState;
import dev.gitops4j.render.InvalidDesiredStateException;
import dev.gitops4j.render.Renderer;
import dev.gitops4j.source.Snapshot;
import java.util.List;

/**
 * Render: materialize the revision into the working directory and init when needed. The desired
 * state itself comes from the plan, so the rendered state holds no resources. Configuration errors
 * surface from {@code plan}, with file and line.
 */
public final class TerraformRenderer implements Renderer {

  private final WorkingDirectory directory;

  public TerraformRenderer(WorkingDirectory directory) {
    this.directory = directory;
  }

  @Override
  public DesiredState render(Snapshot snapshot) throws InvalidDesiredStateException {
    directory.render(snapshot);
    return DesiredState.of(snapshot.revision(), List.of());
  }
}
