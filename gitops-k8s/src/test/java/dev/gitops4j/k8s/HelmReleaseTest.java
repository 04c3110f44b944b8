package dev.gitops4j.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class HelmReleaseTest {

  @Test
  void repositoryReleasesCheckUrlChartAndConstraintAtOnce() {
    HelmRelease release =
        HelmRelease.chartFromRepository(
                URI.create("https://charts.example.org/stable"), "shop", "^1.4", "shop")
            .build();
    assertThat(release.source()).isEqualTo(HelmRelease.ChartSource.REPOSITORY);
    assertThat(release.repository()).hasToString("https://charts.example.org/stable/");
    assertThat(release.chartPath()).isEmpty();

    assertThatThrownBy(
            () ->
                HelmRelease.chartFromRepository(
                    URI.create("ftp://charts.example.org/"), "shop", "1.0.0", "shop"))
        .hasMessageContaining("must be an http:// or https:// URL");
    assertThatThrownBy(
            () ->
                HelmRelease.chartFromRepository(
                    URI.create("https://user:pw@charts.example.org/"), "shop", "1.0.0", "shop"))
        .hasMessageContaining("must not hold credentials");
    assertThatThrownBy(
            () ->
                HelmRelease.chartFromRepository(
                    URI.create("https://charts.example.org/"), "shop", ">=1.0 <<2", "shop"))
        .hasMessageContaining("cannot parse '<<2'");
  }

  @Test
  void registryReleasesNeedATagOrADigest() {
    HelmRelease byTag =
        HelmRelease.chartFromRegistry("oci://registry.example.org:5000/team/charts/shop:1.4.2", "s")
            .plainHttp()
            .build();
    assertThat(byTag.chart()).isEqualTo("shop");
    assertThat(byTag.plainHttp()).isTrue();
    String digest = "sha256:" + "0123456789abcdef".repeat(4);
    assertThat(
            HelmRelease.chartFromRegistry("oci://r.example.org/shop@" + digest, "s")
                .build()
                .chart())
        .isEqualTo("shop");

    assertThatThrownBy(() -> HelmRelease.chartFromRegistry("oci://r.example.org/shop", "s"))
        .hasMessageContaining("oci://host[:port]/path/chart:tag");
    assertThatThrownBy(
            () -> HelmRelease.chartFromRegistry("oci://r.example.org/shop@sha256:12", "s"))
        .hasMessageContaining("is not an OCI chart reference");
    assertThatThrownBy(() -> HelmRelease.chartInRevision("charts/shop", "shop").plainHttp())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () ->
                HelmRelease.chartInRevision("charts/shop", "shop")
                    .credentials(ChartCredentials.bearerFromEnv("TOKEN")))
        .isInstanceOf(IllegalStateException.class);
  }
}
