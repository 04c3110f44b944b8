/** gitops4j test kit: in-memory target, Git fixtures, JUnit 5 extension, contract tests. */
module dev.gitops4j.test {
  requires transitive dev.gitops4j.core;
  requires transitive org.junit.jupiter.api;
  requires org.assertj.core;
  requires org.eclipse.jgit;
  requires java.net.http;
  requires static kube.api.test;

  exports dev.gitops4j.test;
}
