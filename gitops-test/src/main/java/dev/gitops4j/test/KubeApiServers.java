package dev.gitops4j.test;

import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;

/**
 * A real kube-apiserver for tests, from the binaries {@code scripts/testbed} provisioned: fabric8
 * kube-api-test in offline mode, bound to 127.0.0.1. Needs {@code io.fabric8:kube-api-test} on the
 * test class path.
 *
 * <pre>{@code
 * KubeAPIServer server = new KubeAPIServer(KubeApiServers.offline().build());
 * server.start();
 * }</pre>
 */
public final class KubeApiServers {

  private KubeApiServers() {}

  /** A configuration to extend (e.g. with audit flags) and build. */
  public static KubeAPIServerConfigBuilder offline() {
    Testbed testbed = Testbed.get();
    return KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withOfflineMode(true)
        .withTestDir(testbed.kubeApiTestDirectory().toString())
        .withApiServerVersion(testbed.kubernetesVersion())
        .withUpdateKubeConfig(false)
        .withApiServerFlag("--bind-address", "127.0.0.1");
  }
}
