/**
 * Implementation of the VM target. Not API.
 *
 * <p>Rendering ({@code VmRenderer}): {@code InventoryFile} parses hosts and groups, {@code
 * ResourceDocuments} the documents of resources and handlers, {@code HostExpansion} expands them
 * per host with {@code FileContents} (file bytes, templates, {@code Vars}) and {@code PathRules};
 * every check records its problem in one {@code FieldChecks}.
 *
 * <p>One pass on one host ({@code HostSession}, opened by the engine per pass): {@code HostLink} is
 * the host's connection (a {@code LocalTransport} or {@code SshTransport}, on a client from {@code
 * SshClients}), kept from one pass to the next, {@code LivePaths} observes, {@code StepChecks}
 * checks the plan before the first write, {@code PathWriter} writes and prunes paths, {@code
 * HandlerRunner} runs handlers. {@code HostStateFile} is the host's state file, which {@code
 * HostInventoryStore} presents to the engine as its inventory.
 */
package dev.gitops4j.vm.internal;
