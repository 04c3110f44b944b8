package dev.gitops4j.vm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.vm.Transport;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the handlers of one host ({@code systemctl reload nginx}), bounded by the handler timeout. A
 * handler that ran is no longer pending in the state file; one that failed stays pending, so the
 * next pass runs it again even when the paths it watches are in sync by then.
 */
public final class HandlerRunner {

  private static final Logger LOG = LoggerFactory.getLogger(HandlerRunner.class);

  private final HostLayout layout;
  private final HostStateFile stateFile;

  public HandlerRunner(HostLayout layout, HostStateFile stateFile) {
    this.layout = layout;
    this.stateFile = stateFile;
  }

  /**
   * Runs the handler {@code id}.
   *
   * @param reasons why it runs (the paths that changed), for the remark
   */
  public String run(Transport t, ResourceId id, JsonNode desired, List<String> reasons)
      throws IOException, TargetException {
    String command = desired.path(HostResourceFields.COMMAND).asText();
    Transport.ExecResult result = t.exec(command, layout.handlerTimeout());
    if (result.exitCode() != 0) {
      throw new TargetException(
          "handler "
              + id.name()
              + " on host "
              + layout.host()
              + ": `"
              + command
              + "` exited with "
              + result.exitCode()
              + ": "
              + result.output().strip(),
          false);
    }
    stateFile.update(
        t, s -> s.pending().remove(id.name()) | s.resources().add(HostStateFile.key(id)));
    String remark =
        "ran handler "
            + id.name()
            + " on "
            + layout.host()
            + ": `"
            + command
            + "` (exit 0)"
            + (reasons.isEmpty() ? "" : " triggered by " + String.join(", ", reasons));
    LOG.info("{}", remark);
    return remark;
  }
}
