package dev.gitops4j.vm.internal;

import dev.gitops4j.vm.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Creates missing directories on a host, for writes and for the state file. */
final class HostDirectories {

  private HostDirectories() {}

  /** Creates {@code path} and missing parents (host paths); existing ones are left as they are. */
  static void ensure(Transport t, HostLayout layout, String path, int mode) throws IOException {
    List<String> missing = new ArrayList<>();
    String current = path;
    while (!current.equals("/")) {
      Optional<Transport.Stat> stat = t.stat(List.of(layout.physical(current))).get(0);
      if (stat.isPresent()) {
        break;
      }
      missing.add(0, current);
      current = PathRules.parent(current);
    }
    for (String dir : missing) {
      try {
        t.mkdir(layout.physical(dir), mode);
      } catch (IOException e) {
        // Someone else may have created it meanwhile; only a directory there is fine.
        Optional<Transport.Stat> now = t.stat(List.of(layout.physical(dir))).get(0);
        if (now.isEmpty() || now.get().type() != Transport.Type.DIRECTORY) {
          throw e;
        }
      }
    }
  }
}
