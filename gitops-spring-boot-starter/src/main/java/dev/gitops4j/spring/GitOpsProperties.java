package dev.gitops4j.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code gitops4j.*} configuration properties: applications, Kubernetes targets, history, state
 * and dashboard. Checked when the engine is built: a value that cannot work fails the start with
 * the property's name and what is wrong.
 */
@ConfigurationProperties("gitops4j")
public class GitOpsProperties {

  /** Whether to build and start the engine at all. */
  private boolean enabled = true;

  /** Applications by name; the name goes into the ownership label of each object. */
  private Map<String, ApplicationProperties> applications = new LinkedHashMap<>();

  /** Kubernetes clusters by name, referred to from an application's {@code target}. */
  private Map<String, KubernetesProperties> kubernetes = new LinkedHashMap<>();

  private final History history = new History();
  private final State state = new State();
  private final Dashboard dashboard = new Dashboard();
  private final Endpoint endpoint = new Endpoint();
  private final LeaderElection leaderElection = new LeaderElection();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Map<String, ApplicationProperties> getApplications() {
    return applications;
  }

  public void setApplications(Map<String, ApplicationProperties> applications) {
    this.applications = applications;
  }

  public Map<String, KubernetesProperties> getKubernetes() {
    return kubernetes;
  }

  public void setKubernetes(Map<String, KubernetesProperties> kubernetes) {
    this.kubernetes = kubernetes;
  }

  public History getHistory() {
    return history;
  }

  public State getState() {
    return state;
  }

  public Dashboard getDashboard() {
    return dashboard;
  }

  public Endpoint getEndpoint() {
    return endpoint;
  }

  public LeaderElection getLeaderElection() {
    return leaderElection;
  }

  /** How an application keeps its policy. */
  public enum Policy {
    /** Apply, self-heal and prune. */
    AUTOMATIC,
    /** Only report drift. */
    DETECT_ONLY,
    /** Plan, then wait for an approval of the plan. */
    MANUAL_APPROVAL
  }

  /** One application: a Git source kept in line with a target. */
  public static class ApplicationProperties {

    private final Source source = new Source();

    /**
     * Name of the target: a cluster under {@code gitops4j.kubernetes} or a Target bean. May be left
     * out when there is exactly one of either.
     */
    private String target;

    /** What the engine may do about drift. */
    private Policy policy = Policy.AUTOMATIC;

    /** Time between scheduled passes. */
    private Duration interval = Duration.ofMinutes(3);

    /** Applications that must be synced and healthy before this one writes. */
    private List<String> dependsOn = new ArrayList<>();

    public Source getSource() {
      return source;
    }

    public String getTarget() {
      return target;
    }

    public void setTarget(String target) {
      this.target = target;
    }

    public Policy getPolicy() {
      return policy;
    }

    public void setPolicy(Policy policy) {
      this.policy = policy;
    }

    public Duration getInterval() {
      return interval;
    }

    public void setInterval(Duration interval) {
      this.interval = interval;
    }

    public List<String> getDependsOn() {
      return dependsOn;
    }

    public void setDependsOn(List<String> dependsOn) {
      this.dependsOn = dependsOn;
    }
  }

  /** A Git repository, a ref in it and a folder. */
  public static class Source {

    /** Repository URL: https://, ssh://, git@host:path or file://. */
    private String url;

    /**
     * Ref to follow: a branch name ({@code main} or {@code branch:main}), {@code tag:v1.2.0},
     * {@code semver:>=1.0.0 <2.0.0} or {@code commit:<full id>}.
     */
    private String ref = "main";

    /** Folder inside the repository holding the manifests; the root when empty. */
    private String path = "";

    /** Name of the environment variable holding an HTTPS access token. */
    private String tokenEnv;

    /** HTTPS basic auth: user name. */
    private String username;

    /** Name of the environment variable holding the basic auth password. */
    private String passwordEnv;

    /** Private key file for SSH URLs. */
    private Path sshKey;

    /** known_hosts file for SSH URLs. */
    private Path knownHosts;

    /** Folder for the local clone; a temporary folder when not set. */
    private Path cacheDir;

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public String getRef() {
      return ref;
    }

    public void setRef(String ref) {
      this.ref = ref;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }

    public String getTokenEnv() {
      return tokenEnv;
    }

    public void setTokenEnv(String tokenEnv) {
      this.tokenEnv = tokenEnv;
    }

    public String getUsername() {
      return username;
    }

    public void setUsername(String username) {
      this.username = username;
    }

    public String getPasswordEnv() {
      return passwordEnv;
    }

    public void setPasswordEnv(String passwordEnv) {
      this.passwordEnv = passwordEnv;
    }

    public Path getSshKey() {
      return sshKey;
    }

    public void setSshKey(Path sshKey) {
      this.sshKey = sshKey;
    }

    public Path getKnownHosts() {
      return knownHosts;
    }

    public void setKnownHosts(Path knownHosts) {
      this.knownHosts = knownHosts;
    }

    public Path getCacheDir() {
      return cacheDir;
    }

    public void setCacheDir(Path cacheDir) {
      this.cacheDir = cacheDir;
    }
  }

  /** A Kubernetes cluster reached through a kubeconfig file or from inside a pod. */
  public static class KubernetesProperties {

    /**
     * Kubeconfig file. When not set, the client configures itself: in-cluster service account, then
     * $KUBECONFIG or ~/.kube/config.
     */
    private Path kubeconfig;

    /** Context of the kubeconfig to use; its current context when not set. */
    private String context;

    /** Namespace for namespaced objects whose manifest names none. */
    private String defaultNamespace = "default";

    /** Namespace of the inventory ConfigMaps. */
    private String inventoryNamespace = "gitops4j-system";

    /** Field manager of server-side apply. */
    private String fieldManager = "gitops4j";

    /** Whether to create namespaces that manifests use but do not declare. */
    private boolean createNamespaces;

    public Path getKubeconfig() {
      return kubeconfig;
    }

    public void setKubeconfig(Path kubeconfig) {
      this.kubeconfig = kubeconfig;
    }

    public String getContext() {
      return context;
    }

    public void setContext(String context) {
      this.context = context;
    }

    public String getDefaultNamespace() {
      return defaultNamespace;
    }

    public void setDefaultNamespace(String defaultNamespace) {
      this.defaultNamespace = defaultNamespace;
    }

    public String getInventoryNamespace() {
      return inventoryNamespace;
    }

    public void setInventoryNamespace(String inventoryNamespace) {
      this.inventoryNamespace = inventoryNamespace;
    }

    public String getFieldManager() {
      return fieldManager;
    }

    public void setFieldManager(String fieldManager) {
      this.fieldManager = fieldManager;
    }

    public boolean isCreateNamespaces() {
      return createNamespaces;
    }

    public void setCreateNamespaces(boolean createNamespaces) {
      this.createNamespaces = createNamespaces;
    }
  }

  /** The audit trail. */
  public static class History {

    /** Hash-chained JSON-lines file; kept in memory only when not set. */
    private Path file;

    public Path getFile() {
      return file;
    }

    public void setFile(Path file) {
      this.file = file;
    }
  }

  /** Pins, suspensions, pending approvals and last synced revisions. */
  public static class State {

    /** Folder with one JSON file per application; kept in memory only when not set. */
    private Path directory;

    public Path getDirectory() {
      return directory;
    }

    public void setDirectory(Path directory) {
      this.directory = directory;
    }
  }

  /** The gitops-web dashboard and REST API, when gitops-web is on the class path. */
  public static class Dashboard {

    /** Whether to mount the dashboard in the servlet container. */
    private boolean enabled = true;

    /** Path the dashboard is mounted below. */
    private String path = "/gitops";

    /** Read-only when true (the default): every action is refused. */
    private boolean readOnly = true;

    /** Whether reading pages and the API needs a principal too. */
    private boolean authenticateReads;

    /** Title in the page header. */
    private String title = "gitops4j";

    /** Principals signing in with a bearer token, and what each may do. */
    private List<Token> tokens = new ArrayList<>();

    /**
     * What principals with a role may do: the roles of token principals, or the granted authorities
     * of Spring Security principals (e.g. ROLE_OPS).
     */
    private List<Grant> grants = new ArrayList<>();

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }

    public boolean isReadOnly() {
      return readOnly;
    }

    public void setReadOnly(boolean readOnly) {
      this.readOnly = readOnly;
    }

    public boolean isAuthenticateReads() {
      return authenticateReads;
    }

    public void setAuthenticateReads(boolean authenticateReads) {
      this.authenticateReads = authenticateReads;
    }

    public String getTitle() {
      return title;
    }

    public void setTitle(String title) {
      this.title = title;
    }

    public List<Token> getTokens() {
      return tokens;
    }

    public void setTokens(List<Token> tokens) {
      this.tokens = tokens;
    }

    public List<Grant> getGrants() {
      return grants;
    }

    public void setGrants(List<Grant> grants) {
      this.grants = grants;
    }
  }

  /** Actions on applications granted to every principal with a role. */
  public static class Grant {

    /**
     * The role: one of a token principal's roles, or a Spring Security granted authority such as
     * ROLE_OPS or SCOPE_deploy.
     */
    private String role;

    /** Applications the grant covers: a name, a prefix such as {@code shop-*}, or {@code *}. */
    private String applications = "*";

    /** Actions granted: sync, approve, suspend, resume, rollback, unpin. */
    private List<String> actions = new ArrayList<>();

    public String getRole() {
      return role;
    }

    public void setRole(String role) {
      this.role = role;
    }

    public String getApplications() {
      return applications;
    }

    public void setApplications(String applications) {
      this.applications = applications;
    }

    public List<String> getActions() {
      return actions;
    }

    public void setActions(List<String> actions) {
      this.actions = actions;
    }
  }

  /** A principal known by a bearer token read from the environment. */
  public static class Token {

    /** Principal name, recorded in the history with each action. */
    private String name;

    /** Name of the environment variable holding the token (at least 16 characters). */
    private String tokenEnv;

    /** Roles of the principal. */
    private List<String> roles = new ArrayList<>();

    /** Applications the grant covers: a name, a prefix such as {@code shop-*}, or {@code *}. */
    private String applications = "*";

    /** Actions granted: sync, approve, suspend, resume, rollback, unpin. */
    private List<String> actions = new ArrayList<>();

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getTokenEnv() {
      return tokenEnv;
    }

    public void setTokenEnv(String tokenEnv) {
      this.tokenEnv = tokenEnv;
    }

    public List<String> getRoles() {
      return roles;
    }

    public void setRoles(List<String> roles) {
      this.roles = roles;
    }

    public String getApplications() {
      return applications;
    }

    public void setApplications(String applications) {
      this.applications = applications;
    }

    public List<String> getActions() {
      return actions;
    }

    public void setActions(List<String> actions) {
      this.actions = actions;
    }
  }

  /** The {@code gitops4j} actuator endpoint. */
  public static class Endpoint {

    /** Whether the endpoint's write operation (trigger a sync) is allowed. */
    private boolean syncEnabled;

    public boolean isSyncEnabled() {
      return syncEnabled;
    }

    public void setSyncEnabled(boolean syncEnabled) {
      this.syncEnabled = syncEnabled;
    }
  }

  /** One active replica among several: a Kubernetes Lease, released on shutdown. */
  public static class LeaderElection {

    /** Whether replicas elect a leader; only the leader runs passes. */
    private boolean enabled;

    /** Cluster under {@code gitops4j.kubernetes} holding the Lease; may be left out with one. */
    private String cluster;

    /** Namespace of the Lease. */
    private String namespace = "default";

    /** Name of the Lease. */
    private String leaseName = "gitops4j-leader";

    /** This replica's identity; the host name when not set. */
    private String identity;

    /** How long a Lease not renewed stays held. */
    private Duration leaseDuration = Duration.ofSeconds(15);

    /** How long a leader tries to renew before it steps down. */
    private Duration renewDeadline = Duration.ofSeconds(10);

    /** Time between renewals and attempts. */
    private Duration retryPeriod = Duration.ofSeconds(2);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getCluster() {
      return cluster;
    }

    public void setCluster(String cluster) {
      this.cluster = cluster;
    }

    public String getNamespace() {
      return namespace;
    }

    public void setNamespace(String namespace) {
      this.namespace = namespace;
    }

    public String getLeaseName() {
      return leaseName;
    }

    public void setLeaseName(String leaseName) {
      this.leaseName = leaseName;
    }

    public String getIdentity() {
      return identity;
    }

    public void setIdentity(String identity) {
      this.identity = identity;
    }

    public Duration getLeaseDuration() {
      return leaseDuration;
    }

    public void setLeaseDuration(Duration leaseDuration) {
      this.leaseDuration = leaseDuration;
    }

    public Duration getRenewDeadline() {
      return renewDeadline;
    }

    public void setRenewDeadline(Duration renewDeadline) {
      this.renewDeadline = renewDeadline;
    }

    public Duration getRetryPeriod() {
      return retryPeriod;
    }

    public void setRetryPeriod(Duration retryPeriod) {
      this.retryPeriod = retryPeriod;
    }
  }
}
