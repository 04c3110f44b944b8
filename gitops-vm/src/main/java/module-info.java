/**
 * gitops4j host target: files, directories, links and handlers on hosts over a local or SSH
 * transport.
 *
 * <p>Only the API package is exported; {@code dev.gitops4j.vm.internal} is implementation.
 */
module dev.gitops4j.vm {
  requires transitive dev.gitops4j.core;
  requires org.apache.sshd.osgi;
  requires org.apache.sshd.sftp;
  requires org.slf4j;

  exports dev.gitops4j.vm;
}
