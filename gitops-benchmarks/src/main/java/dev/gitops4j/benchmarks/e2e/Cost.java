package dev.gitops4j.benchmarks.e2e;

import static dev.gitops4j.benchmarks.e2e.Report.verbs;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one measured run against the audited API server cost: wall time, client CPU, the CPU of
 * kube-apiserver and etcd, and the requests by verb (dry runs apart).
 *
 * <p>Requests are counted twice, on the client (a fabric8 interceptor) and in the API server's
 * audit log, and every verb is checked against what the run may send. When the two counts differ,
 * or a verb outside the allowed set appears (a delete or update in a no-op pass, a real patch where
 * only dry runs belong), the run fails: no figure is printed from a run that did something other
 * than it claims.
 *
 * @param wallNanos wall time of the run
 * @param cpuNanos client CPU: this JVM's process CPU, or the kubectl process's
 * @param serverCpuNanos CPU that kube-apiserver and etcd used during the run
 * @param requests requests by verb, as counted (client and audit log agree)
 */
record Cost(long wallNanos, long cpuNanos, long serverCpuNanos, Map<String, Long> requests) {

  /** The verbs a pass that changes nothing may send. */
  static final Set<String> READS = Set.of("get", "list", "watch");

  /** A measured piece of work. */
  interface Work {
    void run() throws Exception;
  }

  /**
   * Runs {@code work}, which sends its requests through a client with user agent {@code agent} and
   * {@code counter}, and checks its requests.
   *
   * @param allowed verbs the work may send, dry runs named {@code "patch (dry run)"}; null allows
   *     any verb (the counts must still agree)
   */
  static Cost measure(
      AuditedCluster cluster,
      RequestCounter counter,
      String agent,
      String what,
      Set<String> allowed,
      Work work)
      throws Exception {
    long mark = cluster.auditMark();
    counter.reset();
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long server0 = cluster.serverCpuNanos();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    work.run();
    long wall = System.nanoTime() - t0;
    long cpu = os.getProcessCpuTime() - cpu0;
    long server = cluster.serverCpuNanos() - server0;
    Map<String, Long> client = counter.snapshot();
    Map<String, Long> audit = cluster.auditSince(mark, agent);
    requireAgreement(what, client, audit);
    requireOnly(what, client, allowed);
    return new Cost(wall, cpu, server, client);
  }

  /** Runs kubectl with {@code args}; its requests are read from the audit log only. */
  static Cost kubectl(AuditedCluster cluster, String what, Set<String> allowed, String... args)
      throws Exception {
    long mark = cluster.auditMark();
    long server0 = cluster.serverCpuNanos();
    MeasuredProcess run = cluster.kubectl(args);
    long server = cluster.serverCpuNanos() - server0;
    Map<String, Long> audit = cluster.auditSince(mark, "kubectl");
    requireOnly(what, audit, allowed);
    return new Cost(run.wallNanos(), run.cpuNanos(), server, audit);
  }

  /** Fails unless the client's count and the audit log's are the same, verb by verb. */
  static void requireAgreement(String what, Map<String, Long> client, Map<String, Long> audit) {
    Map<String, Long> counted = new TreeMap<>(client);
    Map<String, Long> audited = new TreeMap<>(audit);
    if (!counted.equals(audited)) {
      throw new IllegalStateException(
          what
              + ": the client counted "
              + verbs(counted)
              + " but the API server's audit log has "
              + verbs(audited));
    }
  }

  /** Fails when {@code counts} has a verb outside {@code allowed} (null allows every verb). */
  static void requireOnly(String what, Map<String, Long> counts, Set<String> allowed) {
    if (allowed == null) {
      return;
    }
    Map<String, Long> stray = new TreeMap<>(counts);
    stray.keySet().removeAll(allowed);
    if (!stray.isEmpty()) {
      throw new IllegalStateException(
          what
              + " sent "
              + verbs(stray)
              + ", which it must not (allowed: "
              + String.join(", ", allowed.stream().sorted().toList())
              + "; all requests: "
              + verbs(new TreeMap<>(counts))
              + ")");
    }
  }

  /** The median of each figure over several runs; requests are those of the last run. */
  static Cost median(List<Cost> runs) {
    return new Cost(
        Measure.median(runs.stream().map(Cost::wallNanos).toList()),
        Measure.median(runs.stream().map(Cost::cpuNanos).toList()),
        Measure.median(runs.stream().map(Cost::serverCpuNanos).toList()),
        runs.get(runs.size() - 1).requests());
  }
}
