/**
 * Host and VM configuration target: files, directories, symlinks and absent paths declared in YAML,
 * with {@code onChange} handlers, applied over a local or SSH {@link dev.gitops4j.vm.Transport}.
 *
 * <p>Entry points: {@link dev.gitops4j.vm.VmTarget#local(java.nio.file.Path)} for an agent on the
 * host itself, {@link dev.gitops4j.vm.VmTarget#builder(String)} with {@link
 * dev.gitops4j.vm.SshOptions} for a fleet over SSH; either way a closeable {@code VmTarget} whose
 * {@link dev.gitops4j.vm.VmTarget#target(String) target(host)} hands out one core {@code Target}
 * per host. {@link dev.gitops4j.vm.VmRenderer} reads the YAML format. See docs/vm.md.
 */
package dev.gitops4j.vm;
