/** gitops4j test kit: in-memory target, Git fixtures, JUnit 5 extension, contract tests. */
module dev.gitops4j.test {
  requires transitive dev.gitops4j.core;
  requires transitive org.junit.jupiter.api;
  requires org.assertj.core;
  // GitRepoFixture.git() hands out JGit; KubeApiServers builds kube-api-test configurations.
  requires transitive org.eclipse.jgit;
  requires static transitive kube.api.test;
  requires transitive java.sql;
  requires java.net.http;

  exports dev.gitops4j.test;
}
