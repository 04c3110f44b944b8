package dev.gitops4j.cli.internal;

import dev.gitops4j.engine.SyncPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** Which applications a command works on: from {@code --config} or from flags for one. */
final class AppOptions {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,63}");

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "YAML file listing applications (see docs/cli.md).")
  Path config;

  @Option(
      names = "--app",
      paramLabel = "NAME",
      description = "Only these applications of the config file (repeatable).")
  List<String> only = new ArrayList<>();

  @Option(names = "--name", description = "Application name (default: from the repository URL).")
  String name;

  @Option(names = "--repo", paramLabel = "URL", description = "Git repository URL.")
  String repo;

  @Option(
      names = "--ref",
      description =
          "Branch, or any ref such as refs/pull/42/head (resolved once and pinned). Default: main.")
  String ref;

  @Option(names = "--tag", description = "Follow this tag.")
  String tag;

  @Option(
      names = "--semver",
      paramLabel = "RANGE",
      description = "Follow the highest tag in range.")
  String semver;

  @Option(names = "--commit", paramLabel = "ID", description = "Pin this full commit id.")
  String commit;

  @Option(names = "--path", paramLabel = "DIR", description = "Folder inside the repository.")
  String path;

  @Option(
      names = "--target",
      paramLabel = "TYPE",
      description = "Target type: ${COMPLETION-CANDIDATES}.",
      completionCandidates = TargetNames.class)
  String target;

  @Option(names = "--kubeconfig", paramLabel = "FILE", description = "k8s: kubeconfig file.")
  String kubeconfig;

  @Option(names = "--context", description = "k8s: kubeconfig context.")
  String context;

  @Option(names = "--namespace", description = "k8s: namespace of objects that declare none.")
  String namespace;

  @Option(names = "--tf-binary", paramLabel = "FILE", description = "terraform: tofu or terraform.")
  String tfBinary;

  @Option(names = "--tf-dir", paramLabel = "DIR", description = "terraform: working directory.")
  String tfDir;

  @Option(names = "--var", paramLabel = "NAME=VALUE", description = "terraform: a variable.")
  Map<String, String> vars = new LinkedHashMap<>();

  @Option(
      names = "--ssh-known-hosts",
      paramLabel = "FILE",
      description = "host over SSH: known_hosts file; hosts whose key is not listed are refused.")
  String sshKnownHosts;

  @Option(
      names = "--ssh-key",
      paramLabel = "FILE",
      description = "host over SSH: private key file (repeatable).")
  List<String> sshKeys = new ArrayList<>();

  @Option(
      names = "--ssh-user",
      paramLabel = "USER",
      description = "host over SSH: login user of hosts whose inventory entry names none.")
  String sshUser;

  @Option(
      names = "--ssh-connect-timeout",
      paramLabel = "DURATION",
      description = "host over SSH: connect and authentication timeout (default: 10s).")
  String sshConnectTimeout;

  @Option(
      names = "--ssh-timeout",
      paramLabel = "DURATION",
      description = "host over SSH: timeout of each remote operation (default: 60s).")
  String sshTimeout;

  @Option(
      names = "--allowed-root",
      paramLabel = "DIR",
      description = "host over SSH: a directory resources may be placed below (repeatable).")
  List<String> allowedRoots = new ArrayList<>();

  @Option(
      names = "--host-state-dir",
      paramLabel = "DIR",
      description = "host over SSH: state directory on each host (default: /var/lib/gitops4j).")
  String hostStateDir;

  @Option(
      names = "--git-token-env",
      paramLabel = "VAR",
      description = "HTTPS token for Git, read from this environment variable.")
  String gitTokenEnv;

  @Option(
      names = "--git-token-file",
      paramLabel = "FILE",
      description = "HTTPS token for Git, read from this file.")
  Path gitTokenFile;

  @Option(names = "--git-user", paramLabel = "USER", description = "HTTPS basic-auth user for Git.")
  String gitUser;

  @Option(
      names = "--git-password-env",
      paramLabel = "VAR",
      description = "Password of --git-user, read from this environment variable.")
  String gitPasswordEnv;

  @Option(
      names = "--git-password-file",
      paramLabel = "FILE",
      description = "Password of --git-user, read from this file.")
  Path gitPasswordFile;

  @Option(
      names = "--git-ssh-key",
      paramLabel = "FILE",
      description = "Private key for ssh:// Git URLs (repeatable).")
  List<Path> gitSshKeys = new ArrayList<>();

  @Option(
      names = "--git-known-hosts",
      paramLabel = "FILE",
      description = "known_hosts for ssh:// Git URLs (default: ~/.ssh/known_hosts).")
  Path gitKnownHosts;

  @Option(
      names = {"-O", "--target-option"},
      paramLabel = "KEY=VALUE",
      description = "Any target option (see docs/cli.md).")
  Map<String, String> targetOptions = new LinkedHashMap<>();

  @Option(
      names = "--policy",
      paramLabel = "MODE",
      description = "automatic, detect-only or manual-approval (watch; default automatic).")
  String policy;

  @Option(
      names = "--prune",
      negatable = true,
      description = "Delete owned resources Git no longer declares (default: on).")
  Boolean prune;

  @Option(names = "--self-heal", negatable = true, description = "Correct drift without a commit.")
  Boolean selfHeal;

  static final class TargetNames extends ArrayList<String> {
    TargetNames() {
      super(TargetTypes.names());
    }
  }

  /** The applications, fully checked; nothing is opened yet. */
  List<AppSpec> specs() {
    List<AppSpec> specs = new ArrayList<>();
    if (config != null) {
      if (repo != null
          || target != null
          || !flagOptions().isEmpty()
          || path != null
          || name != null) {
        throw new CliException(
            "--config declares the applications; do not combine it with --repo, --target, --path,"
                + " --name or target options");
      }
      GitAuth authOverride = flagAuth();
      RefSpec refOverride = null;
      if (ref != null || tag != null || semver != null || commit != null) {
        try {
          refOverride = Refs.choose(ref, tag, semver, commit);
        } catch (IllegalArgumentException e) {
          throw new CliException(e.getMessage());
        }
      }
      for (AppSpec spec : ConfigFile.read(config, TargetTypes.names())) {
        if (only.isEmpty() || only.contains(spec.name())) {
          AppSpec chosen = override(spec, refOverride);
          specs.add(authOverride.isEmpty() ? chosen : chosen.withAuth(authOverride));
        }
      }
      for (String wanted : only) {
        if (specs.stream().noneMatch(s -> s.name().equals(wanted))) {
          throw new CliException(config + ": no application named '" + wanted + "'");
        }
      }
    } else {
      if (repo == null || target == null) {
        throw new CliException("give --config FILE, or --repo URL and --target TYPE");
      }
      if (!only.isEmpty()) {
        throw new CliException("--app selects applications of a --config file");
      }
      if (!TargetTypes.names().contains(target)) {
        throw new CliException(
            "unknown --target '"
                + target
                + "' (known: "
                + String.join(", ", TargetTypes.names())
                + ")");
      }
      String appName = name != null ? name : nameFrom(repo);
      if (!NAME.matcher(appName).matches()) {
        throw new CliException(
            "application name '"
                + appName
                + "' must be letters, digits, '.', '_' or '-' (use --name)");
      }
      RefSpec refSpec;
      SyncPolicy syncPolicy;
      try {
        refSpec = Refs.choose(ref, tag, semver, commit);
        syncPolicy = Policies.of(policy, prune, selfHeal);
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
      specs.add(
          new AppSpec(
              appName,
              repo,
              refSpec,
              path,
              target,
              flagOptions(),
              syncPolicy,
              "command line",
              flagAuth(),
              Delivery.NONE));
    }
    for (AppSpec spec : specs) {
      checkOptions(spec);
    }
    return specs;
  }

  // Flags given with --config apply to every selected application: a pull-request ref to
  // preview, or a policy for this run.
  private AppSpec override(AppSpec spec, RefSpec refOverride) {
    if (policy == null && prune == null && selfHeal == null && refOverride == null) {
      return spec;
    }
    SyncPolicy base = spec.policy();
    SyncPolicy.Builder builder =
        policy == null
            ? base.toBuilder()
            : Policies.of(policy, base.prune(), base.selfHeal()).toBuilder();
    if (prune != null) {
      builder.prune(prune);
    }
    if (selfHeal != null) {
      builder.selfHeal(selfHeal);
    }
    return new AppSpec(
        spec.name(),
        spec.url(),
        refOverride != null ? refOverride : spec.ref(),
        spec.path(),
        spec.targetType(),
        spec.options(),
        builder.build(),
        spec.where(),
        spec.auth(),
        spec.delivery());
  }

  // Credential flags given with --config replace the file's for every selected application.
  private GitAuth flagAuth() {
    try {
      return new GitAuth(
              gitTokenEnv,
              gitTokenFile,
              gitUser,
              gitPasswordEnv,
              gitPasswordFile,
              gitSshKeys,
              gitKnownHosts)
          .check(GitAuth.Names.FLAGS);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
  }

  private Map<String, String> flagOptions() {
    Map<String, String> options = new LinkedHashMap<>();
    put(options, "kubeconfig", kubeconfig);
    put(options, "context", context);
    put(options, "namespace", namespace);
    put(options, "binary", tfBinary);
    put(options, "dir", tfDir);
    put(options, "known-hosts", sshKnownHosts);
    put(options, "identity", sshKeys.isEmpty() ? null : String.join(",", sshKeys));
    put(options, "user", sshUser);
    put(options, "connect-timeout", sshConnectTimeout);
    put(options, "operation-timeout", sshTimeout);
    put(options, "allowed-roots", allowedRoots.isEmpty() ? null : String.join(",", allowedRoots));
    put(options, "state-directory", hostStateDir);
    vars.forEach((k, v) -> options.put("var." + k, v));
    options.putAll(targetOptions);
    return options;
  }

  private static void put(Map<String, String> options, String key, String value) {
    if (value != null) {
      options.put(key, value);
    }
  }

  private static void checkOptions(AppSpec spec) {
    try (TargetType type = TargetTypes.create(spec.targetType())) {
      for (String key : spec.options().keySet()) {
        if (!type.accepts(key)) {
          throw new CliException(
              spec.where()
                  + ": application '"
                  + spec.name()
                  + "': target type "
                  + spec.targetType()
                  + " has no option '"
                  + key
                  + "' (options: "
                  + String.join(", ", new java.util.TreeSet<>(type.options()))
                  + ")");
        }
      }
      try {
        type.check(spec.options());
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new CliException(
            spec.where() + ": application '" + spec.name() + "': " + e.getMessage());
      }
    }
  }

  static String nameFrom(String url) {
    String trimmed = url.replaceAll("[/\\\\]+$", "");
    String last =
        trimmed.substring(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf(':')) + 1);
    if (last.endsWith(".git")) {
      last = last.substring(0, last.length() - 4);
    }
    return last.isEmpty() ? "app" : last;
  }
}
