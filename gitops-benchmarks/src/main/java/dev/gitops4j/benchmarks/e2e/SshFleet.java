package dev.gitops4j.benchmarks.e2e;

import dev.gitops4j.engine.Application;
import dev.gitops4j.engine.Engine;
import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.PassStatus;
import dev.gitops4j.engine.SyncPolicy;
import dev.gitops4j.source.InMemorySource;
import dev.gitops4j.test.Testbed;
import dev.gitops4j.vm.SshOptions;
import dev.gitops4j.vm.VmTarget;
import dev.gitops4j.vm.internal.SshClients;
import dev.gitops4j.vm.internal.SshTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * A fleet of hosts over SSH: N real OpenSSH servers on 127.0.0.1, one per host with its own port
 * and folder, F files per host, one {@link VmTarget} application per host in one engine. Measures
 * the initial sync and no-op passes of gitops4j and, pass by pass alternating in the same process
 * on the same servers, of the baselines:
 *
 * <ul>
 *   <li><b>one command per file</b>: the same target, but its transport asks each path's {@code
 *       stat} and hash with its own command, the way agentless tools check one file per task (over
 *       a connection kept between passes, like an SSH ControlPersist master);
 *   <li><b>new connection each pass</b>: gitops4j's batched commands, with connections not kept
 *       between passes ({@code keepAlive(Duration.ZERO)}).
 * </ul>
 *
 * <p>gitops4j makes the initial sync; every strategy then passes over that same tree and the same
 * state files, with its own client and engine, one strategy at a time. Per no-op pass it reports
 * wall time, JVM CPU, the CPU of the sshd servers and everything they started, and per host the SSH
 * sessions, channels, exec commands and SFTP subsystems the client opened. A no-op pass that writes
 * fails the run: every pass must end in sync with no step, the transport must have seen no write
 * (any write, mkdir, chmod, chown, symlink, delete or command), and no managed file or state file
 * may have changed on disk (size, mtime, ctime).
 */
public final class SshFleet {

  /** What is compared. */
  enum Strategy {
    GITOPS4J("gitops4j", "gitops4j: one batched command per host, connection kept between passes"),
    PER_FILE("one command per file", "one stat + hash command per path, connection kept"),
    RECONNECT("new connection each pass", "gitops4j's batched commands, keepAlive(Duration.ZERO)");

    final String label;
    final String note;

    Strategy(String label, String note) {
      this.label = label;
      this.note = note;
    }
  }

  /** Harness options. */
  public record Options(int hosts, int files, int passes, int concurrency, Path work, Path out) {

    public static Options parse(String... args) {
      int hosts = 50;
      int files = 20;
      int passes = 5;
      int concurrency = 8;
      Path work = null;
      Path out = null;
      for (int i = 0; i < args.length; i++) {
        String value = i + 1 < args.length ? args[i + 1] : null;
        switch (args[i]) {
          case "--hosts" -> hosts = positive(args[i], value);
          case "--files" -> files = positive(args[i], value);
          case "--passes" -> passes = positive(args[i], value);
          case "--concurrency" -> concurrency = positive(args[i], value);
          case "--work" -> work = Path.of(required(args[i], value));
          case "--out" -> out = Path.of(required(args[i], value));
          default ->
              throw new IllegalArgumentException(
                  "unknown option "
                      + args[i]
                      + " (options: --hosts N, --files N, --passes N, --concurrency N, --work DIR,"
                      + " --out FILE)");
        }
        i++;
      }
      return new Options(hosts, files, passes, concurrency, work, out);
    }

    private static String required(String option, String value) {
      if (value == null) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return value;
    }

    private static int positive(String option, String value) {
      int n;
      try {
        n = Integer.parseInt(required(option, value));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " needs a number, not " + value);
      }
      if (n < 1) {
        throw new IllegalArgumentException(option + " must be at least 1");
      }
      return n;
    }
  }

  /** One no-op pass of one strategy. */
  record Pass(
      long wallNanos,
      long cpuNanos,
      long hostCpuNanos,
      SshCounters.Snapshot before,
      SshCounters.Snapshot after) {}

  private final Options options;

  public SshFleet(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    String table = new SshFleet(options).run();
    System.out.println(table);
    if (options.out() != null) {
      Files.writeString(options.out(), table);
    }
  }

  /** Runs everything and returns the result as markdown. */
  public String run() throws Exception {
    Path work =
        options.work() != null
            ? Files.createDirectories(options.work())
            : Files.createTempDirectory("ssh-fleet");
    String load = loadAverage();
    List<String> hosts = new ArrayList<>();
    for (int i = 1; i <= options.hosts(); i++) {
      hosts.add(String.format(Locale.ROOT, "host%03d", i));
    }
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair key = generator.generateKeyPair();
    Map<String, Testbed.Sshd> servers = new LinkedHashMap<>();
    List<Fleet> fleets = new ArrayList<>();
    try {
      StringBuilder known = new StringBuilder();
      Map<Integer, String> hostsByPort = new LinkedHashMap<>();
      for (String host : hosts) {
        Testbed.Sshd sshd =
            Testbed.get()
                .sshd(work.resolve("sshd").resolve(host), PublicKeyEntry.toString(key.getPublic()));
        servers.put(host, sshd);
        hostsByPort.put(sshd.port(), host);
        known.append(sshd.knownHostsLine()).append('\n');
      }
      Measure.log(options.hosts() + " sshd servers started");
      Path knownHosts = Files.writeString(work.resolve("known_hosts"), known);
      Path root = Files.createDirectories(work.resolve("hosts"));
      InMemorySource repo = InMemorySource.create("fleet", Clock.systemUTC());
      repo.commit(repository(hosts, servers, root));
      for (Strategy strategy : Strategy.values()) {
        fleets.add(new Fleet(strategy, work, root, knownHosts, key, hostsByPort, repo));
      }
      // gitops4j syncs the fleet; every strategy then passes over that same tree and state
      // files (same target and application names), each with its own engine, one at a time.
      long initial = fleets.get(0).initialSync();
      Measure.log("initial sync " + Report.nanos(initial));
      // One warm-up pass each, then the measured passes, alternating so load changes hit all.
      for (Fleet fleet : fleets) {
        fleet.noOpPass(servers);
      }
      Map<Strategy, List<Pass>> passes = new LinkedHashMap<>();
      for (int i = 0; i < options.passes(); i++) {
        for (Fleet fleet : fleets) {
          Pass pass = fleet.noOpPass(servers);
          passes.computeIfAbsent(fleet.strategy, s -> new ArrayList<>()).add(pass);
          Measure.log(
              fleet.strategy.label
                  + ": no-op pass "
                  + (i + 1)
                  + " "
                  + Report.nanos(pass.wallNanos()));
        }
      }
      return report(initial, passes, load, loadAverage());
    } finally {
      for (Fleet fleet : fleets) {
        fleet.close();
      }
      servers.values().forEach(Testbed.Sshd::close);
    }
  }

  private Map<String, String> repository(
      List<String> hosts, Map<String, Testbed.Sshd> servers, Path root) {
    StringBuilder inventory = new StringBuilder("hosts:\n");
    for (String host : hosts) {
      inventory
          .append("  - name: ")
          .append(host)
          .append("\n    address: 127.0.0.1\n    port: ")
          .append(servers.get(host).port())
          .append("\n    user: ")
          .append(System.getProperty("user.name"))
          .append('\n');
    }
    Map<String, String> files = new LinkedHashMap<>();
    files.put("inventory.yaml", inventory.toString());
    String base = root + "/${host.name}/etc";
    StringBuilder doc = new StringBuilder("resources:\n");
    doc.append("  - directory: ").append(base).append("\n    mode: \"0755\"\n");
    for (int i = 1; i <= options.files(); i++) {
      doc.append("  - file: ")
          .append(base)
          .append(String.format(Locale.ROOT, "/f%03d.conf", i))
          .append("\n    mode: \"0644\"\n    content: |\n")
          .append("      # file ")
          .append(i)
          .append(" of ${host.name}\n");
      for (int line = 0; line < 8; line++) {
        doc.append("      key_")
            .append(line)
            .append(" = value ")
            .append(i * 31 + line)
            .append('\n');
      }
    }
    files.put("fleet.yaml", doc.toString());
    return files;
  }

  /** One strategy: its client, counted transports, target and engine. */
  private final class Fleet implements AutoCloseable {
    final Strategy strategy;
    final SshClient client;
    final SshCounters counters;
    final VmTarget vm;
    final Engine engine;
    final ExecutorService pool;
    final List<String> applications = new ArrayList<>();
    final List<Path> watched;

    Fleet(
        Strategy strategy,
        Path work,
        Path root,
        Path knownHosts,
        KeyPair key,
        Map<Integer, String> hostsByPort,
        InMemorySource repo)
        throws Exception {
      this.strategy = strategy;
      SshOptions.Builder ssh =
          SshOptions.custom()
              .knownHosts(knownHosts)
              .identity(key)
              .operationTimeout(Duration.ofSeconds(60));
      if (strategy == Strategy.RECONNECT) {
        ssh.keepAlive(Duration.ZERO);
      }
      SshOptions sshOptions = ssh.build();
      this.client = SshClients.start(sshOptions);
      this.counters = new SshCounters(hostsByPort);
      counters.attach(client);
      String name = "fleet";
      Path state = work.resolve("state");
      this.watched = new ArrayList<>();
      for (String host : hostsByPort.values()) {
        watched.add(root.resolve(host));
      }
      watched.add(state);
      boolean perFile = strategy == Strategy.PER_FILE;
      this.vm =
          VmTarget.builder(name)
              // The options set whether connections are kept; the transports use the counted
              // client.
              .ssh(sshOptions)
              .allowedRoot(root.toString())
              .stateDirectory(state.toString())
              // The target's own SSH transport, built on a client whose openings are counted.
              .transport(
                  host -> {
                    try {
                      return new CountedTransport(
                          SshTransport.connect(client, host, sshOptions), counters, perFile);
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  })
              .build();
      this.pool = Executors.newFixedThreadPool(options.concurrency());
      Engine.Builder builder =
          Engine.builder()
              .passExecutor(pool)
              .maxConcurrentPasses(options.concurrency())
              .intervalJitter(0);
      for (Application app :
          vm.applications(name, repo, SyncPolicy.automatic(), Duration.ofHours(1))) {
        builder.application(app);
        applications.add(app.name());
      }
      this.engine = builder.build();
    }

    long initialSync() throws Exception {
      long start = System.nanoTime();
      List<PassResult> results = passAll();
      long wall = System.nanoTime() - start;
      for (PassResult result : results) {
        Measure.require(
            result.status() == PassStatus.SYNCED,
            strategy.label + ": initial sync ended " + result.status() + ": " + result.error());
      }
      return wall;
    }

    Pass noOpPass(Map<String, Testbed.Sshd> servers) throws Exception {
      Map<Path, String> disk = disk();
      SshCounters.Snapshot before = counters.snapshot();
      long hostCpu = hostCpu(servers);
      long cpu = processCpu();
      long start = System.nanoTime();
      List<PassResult> results = passAll();
      long wall = System.nanoTime() - start;
      cpu = processCpu() - cpu;
      hostCpu = hostCpu(servers) - hostCpu;
      SshCounters.Snapshot after = counters.snapshot();
      for (PassResult result : results) {
        Measure.require(
            result.status() == PassStatus.IN_SYNC && result.writes() == 0,
            strategy.label
                + ": a no-op pass of "
                + result.application()
                + " ended "
                + result.status()
                + " with "
                + result.writes()
                + " writes: "
                + result.error());
      }
      List<String> writes = counters.writesSince(before);
      Measure.require(
          writes.isEmpty(), strategy.label + ": a no-op pass wrote on the transport: " + writes);
      Map<Path, String> changed = new LinkedHashMap<>(disk());
      changed.entrySet().removeAll(disk.entrySet());
      Measure.require(
          changed.isEmpty() && disk().size() == disk.size(),
          strategy.label + ": a no-op pass changed files on the hosts: " + changed.keySet());
      return new Pass(wall, cpu, hostCpu, before, after);
    }

    private List<PassResult> passAll() throws Exception {
      List<CompletableFuture<PassResult>> futures = new ArrayList<>();
      for (String app : applications) {
        futures.add(engine.trigger(app));
      }
      List<PassResult> results = new ArrayList<>();
      for (CompletableFuture<PassResult> future : futures) {
        results.add(future.get(10, TimeUnit.MINUTES));
      }
      return results;
    }

    /** Size, mtime and ctime of every path this strategy manages on the hosts, and state files. */
    private Map<Path, String> disk() throws IOException {
      Map<Path, String> out = new LinkedHashMap<>();
      for (Path dir : watched) {
        if (!Files.exists(dir)) {
          continue;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
          for (Path p : walk.toList()) {
            PosixFileAttributes a =
                Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            out.put(
                p,
                a.size()
                    + " "
                    + a.lastModifiedTime()
                    + " "
                    + Files.getAttribute(p, "unix:ctime", LinkOption.NOFOLLOW_LINKS)
                    + " "
                    + a.permissions());
          }
        }
      }
      return out;
    }

    @Override
    public void close() {
      engine.close();
      vm.close();
      pool.shutdownNow();
      client.stop();
    }
  }

  private String report(
      long initial, Map<Strategy, List<Pass>> passes, String loadBefore, String loadAfter) {
    int hosts = options.hosts();
    StringBuilder out = new StringBuilder();
    out.append("SSH fleet: ")
        .append(hosts)
        .append(" hosts × ")
        .append(options.files())
        .append(" files (+1 directory) per host, ")
        .append(options.concurrency())
        .append(" hosts in parallel, ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs, Java ")
        .append(System.getProperty("java.version"))
        .append(", load average ")
        .append(loadBefore)
        .append(" before, ")
        .append(loadAfter)
        .append(" after\n\n");
    out.append(
        "| strategy | initial sync (wall) | no-op pass: wall (median of "
            + options.passes()
            + ") | no-op: JVM CPU | no-op: sshd + commands CPU | per host per no-op pass:"
            + " SSH sessions | channels | exec commands | SFTP subsystems | writes | notes |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    Map<Strategy, double[]> figures = new LinkedHashMap<>();
    for (var entry : passes.entrySet()) {
      Strategy strategy = entry.getKey();
      List<Pass> list = entry.getValue();
      long wall = Measure.median(list.stream().map(Pass::wallNanos).toList());
      long cpu = Measure.median(list.stream().map(Pass::cpuNanos).toList());
      long hostCpu = Measure.median(list.stream().map(Pass::hostCpuNanos).toList());
      Pass last = list.get(list.size() - 1);
      double sessions = perHost(last, SshCounters.Snapshot::sessions);
      double channels = perHost(last, SshCounters.Snapshot::channels);
      double execs = perHost(last, SshCounters.Snapshot::execs);
      double sftp = perHost(last, SshCounters.Snapshot::sftp);
      figures.put(strategy, new double[] {wall, cpu, hostCpu, sessions, channels, execs});
      out.append("| ")
          .append(strategy.label)
          .append(" | ")
          .append(strategy == Strategy.GITOPS4J ? Report.nanos(initial) : "(same tree)")
          .append(" | ")
          .append(Report.nanos(wall))
          .append(" | ")
          .append(Report.nanos(cpu))
          .append(" | ")
          .append(Report.nanos(hostCpu))
          .append(" | ")
          .append(count(last, SshCounters.Snapshot::sessions))
          .append(" | ")
          .append(count(last, SshCounters.Snapshot::channels))
          .append(" | ")
          .append(count(last, SshCounters.Snapshot::execs))
          .append(" | ")
          .append(count(last, SshCounters.Snapshot::sftp))
          .append(" | 0 | ")
          .append(strategy.note)
          .append(" |\n");
    }
    out.append("\n| figure (no-op pass) | gitops4j | baseline | baseline value | ratio |\n");
    out.append("|---|---|---|---|---|\n");
    double[] ours = figures.get(Strategy.GITOPS4J);
    String[] names = {"wall", "JVM CPU", "sshd + commands CPU"};
    for (Strategy baseline : List.of(Strategy.PER_FILE, Strategy.RECONNECT)) {
      double[] theirs = figures.get(baseline);
      for (int i = 0; i < names.length; i++) {
        out.append(
            ratioRow(
                names[i],
                Report.nanos((long) ours[i]),
                baseline,
                Report.nanos((long) theirs[i]),
                ours[i] / theirs[i]));
      }
      out.append(
          ratioRow(
              "exec commands per host",
              number(ours[5]),
              baseline,
              number(theirs[5]),
              ours[5] / theirs[5]));
      out.append(
          ratioRow(
              "SSH sessions per host",
              number(ours[3]),
              baseline,
              number(theirs[3]),
              theirs[3] == 0 ? Double.NaN : ours[3] / theirs[3]));
    }
    return out.toString();
  }

  private static String ratioRow(
      String figure, String ours, Strategy baseline, String theirs, double ratio) {
    return "| "
        + figure
        + " | "
        + ours
        + " | "
        + baseline.label
        + " | "
        + theirs
        + " | "
        + (Double.isNaN(ratio) || Double.isInfinite(ratio)
            ? "—"
            : String.format(Locale.ROOT, "%.2f×", ratio))
        + " |\n";
  }

  /** Average per host in one pass, with the spread when hosts differ. */
  private String count(
      Pass pass, java.util.function.Function<SshCounters.Snapshot, Map<String, Long>> counter) {
    Map<String, Long> before = counter.apply(pass.before());
    Map<String, Long> after = counter.apply(pass.after());
    long min = Long.MAX_VALUE;
    long max = 0;
    for (String host : after.keySet()) {
      long n = after.get(host) - before.getOrDefault(host, 0L);
      min = Math.min(min, n);
      max = Math.max(max, n);
    }
    if (after.size() < options.hosts()) {
      min = 0;
    }
    double avg = perHost(pass, counter);
    return min == max ? number(avg) : number(avg) + " (" + min + "–" + max + ")";
  }

  private double perHost(
      Pass pass, java.util.function.Function<SshCounters.Snapshot, Map<String, Long>> counter) {
    long total = 0;
    Map<String, Long> before = counter.apply(pass.before());
    for (var entry : counter.apply(pass.after()).entrySet()) {
      total += entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
    }
    return (double) total / options.hosts();
  }

  private static String number(double value) {
    return value == Math.rint(value)
        ? String.valueOf((long) value)
        : String.format(Locale.ROOT, "%.2f", value);
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * CPU of the sshd servers and everything they run, from /proc: utime + stime + the children's
   * that were waited for, of each server and each process still running below it (a process's own
   * time reaches its parent's children time only once it was waited for, so nothing counts twice).
   */
  static long hostCpu(Map<String, Testbed.Sshd> servers) {
    long ticks = 0;
    for (Testbed.Sshd sshd : servers.values()) {
      ProcessHandle server = sshd.server().process();
      ticks += ticks(server.pid());
      for (ProcessHandle child : server.descendants().toList()) {
        ticks += ticks(child.pid());
      }
    }
    return ticks * 10_000_000L; // USER_HZ is 100 on Linux
  }

  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // Fields 14-17 of proc(5): utime, stime, cutime, cstime; f[0] is field 3.
      return Long.parseLong(f[11])
          + Long.parseLong(f[12])
          + Long.parseLong(f[13])
          + Long.parseLong(f[14]);
    } catch (IOException | RuntimeException gone) {
      return 0; // The process ended meanwhile; its time went to its parent.
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " / " + f[1] + " / " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
