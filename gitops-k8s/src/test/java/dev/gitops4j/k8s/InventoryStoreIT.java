package dev.gitops4j.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.sync.InventoryStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The ConfigMap inventory on a real API server: large applications fit in one object, inventories
 * written by earlier versions are still read, and one that cannot fit is refused with the reason.
 */
class InventoryStoreIT extends CountedCluster {

  static final String NS = "inventory-store";

  private static InventoryStore store() {
    return KubernetesTarget.builder(client).inventoryNamespace(NS).build().inventoryStore();
  }

  private static List<ResourceId> ids(int n, String namespace) {
    List<ResourceId> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(
          i % 3 == 0
              ? ResourceId.of("apps/Deployment", namespace, "deploy-" + i)
              : ResourceId.of("ConfigMap", namespace, "cm-" + i));
    }
    return ids;
  }

  @Test
  void thirtyThousandIdentitiesFitInOneConfigMapAndReadBackEqual() throws Exception {
    // As plain JSON these are about 2 MiB, twice what an object may hold.
    Inventory large = Inventory.of(ids(30_000, "a-namespace-with-a-longer-name"));
    InventoryStore store = store();
    store.save("large", large);

    assertThat(store().load("large")).isEqualTo(large);
    ConfigMap stored =
        client.configMaps().inNamespace(NS).withName("gitops4j-inventory-large").get();
    assertThat(stored.getBinaryData()).containsKey("resources.json.gz");
    assertThat(stored.getData()).isNullOrEmpty();
  }

  @Test
  void anInventoryStoredAsPlainJsonIsReadAndRewrittenCompressed() throws Exception {
    InventoryStore store = store();
    store.save("plain", Inventory.empty()); // creates the namespace
    client
        .configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("gitops4j-inventory-plain")
                .withNamespace(NS)
                .endMetadata()
                .addToData(
                    "resources",
                    "[{\"kind\":\"ConfigMap\",\"namespace\":\"shop\",\"name\":\"a\"},"
                        + "{\"kind\":\"Namespace\",\"name\":\"shop\"}]")
                .build())
        .createOr(existing -> existing.update());

    InventoryStore fresh = store();
    Inventory read = fresh.load("plain");
    assertThat(read.resources())
        .containsExactlyInAnyOrder(
            ResourceId.of("ConfigMap", "shop", "a"), ResourceId.of("Namespace", null, "shop"));

    fresh.save("plain", read.plus(List.of(ResourceId.of("ConfigMap", "shop", "b"))));
    assertThat(store().load("plain").resources()).hasSize(3);
  }

  @Test
  void anInventoryTooLargeForOneObjectIsRefusedWithTheReasonAndNothingChanges() throws Exception {
    InventoryStore store = store();
    Inventory small = Inventory.of(ids(3, "shop"));
    store.save("huge", small);

    // Random names do not compress: far more than one ConfigMap holds.
    List<ResourceId> random = new ArrayList<>();
    for (int i = 0; i < 80_000; i++) {
      random.add(ResourceId.of("ConfigMap", "shop", UUID.randomUUID().toString()));
    }
    counter.reset();
    assertThatThrownBy(() -> store.save("huge", Inventory.of(random)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot store the inventory of huge: 80000 identities are")
        .hasMessageContaining("more than one ConfigMap holds");
    assertThat(counter.writes.get()).as("nothing sent").isZero();
    assertThat(store().load("huge")).isEqualTo(small);
  }
}
