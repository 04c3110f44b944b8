/**
 * gitops4j core: model, SPI, sources, decoding, differ, planner and the reconcile engine.
 *
 * <p>Only the API packages are exported; {@code *.internal} packages are implementation.
 */
module dev.gitops4j.core {
  requires transitive com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires org.eclipse.jgit;
  requires org.eclipse.jgit.ssh.apache;
  requires org.eclipse.jgit.gpg.bc;
  requires org.apache.sshd.osgi;
  requires org.bouncycastle.pg;
  requires org.bouncycastle.provider;
  requires io.github.javadiffutils;
  requires com.cronutils;
  requires org.slf4j;
  requires io.github.resilience4j.core;
  requires io.github.resilience4j.circuitbreaker;
  // Optional: only MicrometerListener needs it, and its users bring Micrometer themselves.
  requires static micrometer.core;
  // ParseErrors reads the line and column of snakeyaml's errors.
  requires org.yaml.snakeyaml;

  exports dev.gitops4j.model;
  exports dev.gitops4j.source;
  exports dev.gitops4j.render;
  exports dev.gitops4j.live;
  exports dev.gitops4j.diff;
  exports dev.gitops4j.plan;
  exports dev.gitops4j.sync;
  exports dev.gitops4j.health;
  exports dev.gitops4j.history;
  exports dev.gitops4j.engine;
  exports dev.gitops4j.metrics;
  exports dev.gitops4j.webhook;
  exports dev.gitops4j.state;
  exports dev.gitops4j.generate;

  // SemverRange, for Helm chart version constraints.
  exports dev.gitops4j.source.internal to
      dev.gitops4j.k8s;

  // Helpers the target modules share (digests, atomic files); not an API.
  exports dev.gitops4j.internal to
      dev.gitops4j.k8s,
      dev.gitops4j.terraform,
      dev.gitops4j.vm;

  // The history line format and chain check, shared with the PostgreSQL store so both verify alike.
  exports dev.gitops4j.history.internal to
      dev.gitops4j.jdbc;
}
