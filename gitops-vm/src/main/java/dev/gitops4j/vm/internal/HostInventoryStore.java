package dev.gitops4j.vm.internal;

import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.sync.InventoryStore;
import java.io.IOException;

/**
 * The engine's inventory of one host, kept in the host's {@link HostStateFile}, so it lives on the
 * host with what it describes. A state file belongs to one application: another one's load is
 * refused.
 */
public final class HostInventoryStore implements InventoryStore {

  private final HostLayout layout;
  private final HostLink link;
  private final HostStateFile stateFile;

  public HostInventoryStore(HostLayout layout, HostLink link, HostStateFile stateFile) {
    this.layout = layout;
    this.link = link;
    this.stateFile = stateFile;
  }

  @Override
  public Inventory load(String application) throws IOException {
    HostStateFile.State current;
    try {
      current = stateFile.read(link.transport());
    } catch (IOException e) {
      link.close(); // Its state is unknown: the next use connects afresh.
      throw e;
    }
    if (!current.application().isEmpty() && !current.application().equals(application)) {
      throw new IOException(
          "state file "
              + stateFile.path()
              + " on host "
              + layout.host()
              + " belongs to application "
              + current.application()
              + ", not "
              + application);
    }
    return Inventory.of(stateFile.identities(current));
  }

  @Override
  public void save(String application, Inventory inventory) throws IOException {
    try {
      saveOver(application, inventory);
    } catch (IOException e) {
      link.close(); // Its state is unknown: the next use connects afresh.
      throw e;
    }
  }

  private void saveOver(String application, Inventory inventory) throws IOException {
    stateFile.update(
        link.transport(),
        current -> {
          current.application(application);
          current.resources().clear();
          for (ResourceId id : inventory.resources()) {
            if (layout.host().equals(id.scope())) {
              current.resources().add(HostStateFile.key(id));
            }
          }
          current
              .pending()
              .removeIf(
                  name -> !current.resources().contains(HostResourceFields.HANDLER + ":" + name));
          return true;
        });
  }
}
