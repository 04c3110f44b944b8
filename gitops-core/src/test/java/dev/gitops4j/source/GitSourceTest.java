package dev.gitops4j.source;

import static dev.gitops4j.source.TestRepo.Entry;
import static dev.gitops4j.source.TestRepo.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gitops4j.source.SourceException.Reason;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GitSource against repositories served over file://. */
class GitSourceTest {

  @TempDir Path tmp;

  TestRepo remote;
  Path cache;

  @BeforeEach
  void setUp() throws Exception {
    remote = TestRepo.create(tmp.resolve("remote.git"));
    cache = tmp.resolve("cache");
  }

  @AfterEach
  void tearDown() {
    remote.close();
  }

  GitSource.Builder source() {
    return GitSource.builder(remote.fileUrl()).cacheDir(cache);
  }

  @Test
  void readsBranchWithCommitMetadata() throws Exception {
    String id =
        remote.commit(
            "main", files("app.yaml", "a: 1\n", "nested/b.yaml", "b: 2\n"), "first\n\nbody");
    GitSource source = source().ref(GitRef.branch("main")).build();

    assertThat(source.resolve()).isEqualTo(id);
    Snapshot snapshot = source.fetch();

    assertThat(snapshot.revision()).isEqualTo(id);
    assertThat(snapshot.files())
        .extracting(SourceFile::path)
        .containsExactly("app.yaml", "nested/b.yaml");
    assertThat(
            new String(
                snapshot.file("nested/b.yaml").orElseThrow().content(), StandardCharsets.UTF_8))
        .isEqualTo("b: 2\n");
    CommitInfo commit = snapshot.commitInfo().orElseThrow();
    assertThat(commit.id()).isEqualTo(id);
    assertThat(commit.author().name()).isEqualTo("Alice Example");
    assertThat(commit.committer().email()).isEqualTo("alice@example.com");
    assertThat(commit.subject()).isEqualTo("first");
    assertThat(commit.signature().status()).isEqualTo(SignatureVerdict.Status.NOT_CHECKED);
  }

  @Test
  void readsSubPathOnly() throws Exception {
    remote.commit(
        "main",
        files(
            "README.md",
            "x",
            "deploy/prod/app.yaml",
            "prod",
            "deploy/prod/db/db.yaml",
            "db",
            "deploy/dev/app.yaml",
            "dev"),
        "c");
    Snapshot snapshot = source().path("/deploy/prod/").build().fetch();
    assertThat(snapshot.files())
        .extracting(SourceFile::path)
        .containsExactly("app.yaml", "db/db.yaml");
  }

  @Test
  void missingPathIsNotFound() throws Exception {
    remote.commit("main", files("a.yaml", "a"), "c");
    GitSource source = source().path("nope").build();
    assertThatThrownBy(source::fetch)
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("'nope' does not exist")
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.NOT_FOUND);
  }

  @Test
  void followsLightweightAndAnnotatedTags() throws Exception {
    String first = remote.commit("main", files("v", "1"), "one");
    String second = remote.commit("main", files("v", "2"), "two");
    remote.lightweightTag("light", first);
    String tagObject = remote.annotatedTag("annotated", second);

    assertThat(source().ref(GitRef.tag("light")).build().resolve()).isEqualTo(first);
    GitSource annotated = source().ref(GitRef.tag("annotated")).build();
    assertThat(annotated.resolve()).isEqualTo(second).isNotEqualTo(tagObject);
    assertThat(annotated.fetch().file("v").orElseThrow().content()).isEqualTo("2".getBytes());
  }

  @Test
  void semverRangePicksHighestMatchingReleaseTag() throws Exception {
    Map<String, String> tags = new LinkedHashMap<>();
    for (String tag :
        List.of("v1.1.0", "v1.2.0", "1.2.5", "v1.3.0-rc.1", "v2.0.0", "not-a-version")) {
      tags.put(tag, remote.commit("main", files("version", tag), tag));
      remote.annotatedTag(tag, tags.get(tag));
    }

    assertThat(source().ref(GitRef.semver(">=1.2.0 <2.0.0")).build().resolve())
        .isEqualTo(tags.get("1.2.5"));
    assertThat(source().ref(GitRef.semver("^1.2")).build().resolve()).isEqualTo(tags.get("1.2.5"));
    assertThat(source().ref(GitRef.semver("~1.1.0")).build().resolve())
        .isEqualTo(tags.get("v1.1.0"));
    assertThat(source().ref(GitRef.semver(">=1.3.0-rc.1 <2")).build().resolve())
        .isEqualTo(tags.get("v1.3.0-rc.1"));
    GitSource major2 = source().ref(GitRef.semver("^2")).build();
    assertThat(major2.fetch().file("version").orElseThrow().content())
        .isEqualTo("v2.0.0".getBytes());

    GitSource none = source().ref(GitRef.semver("^3")).build();
    assertThatThrownBy(none::resolve)
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("^3")
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.NOT_FOUND);
  }

  @Test
  void pinnedCommitIsReadEvenWhenNotATip() throws Exception {
    String old = remote.commit("main", files("v", "old"), "old");
    remote.commit("main", files("v", "new"), "new");
    GitSource source = source().ref(GitRef.commit(old)).build();
    assertThat(source.resolve()).isEqualTo(old);
    assertThat(source.fetch().file("v").orElseThrow().content()).isEqualTo("old".getBytes());
  }

  @Test
  void unknownCommitIsNotFound() throws Exception {
    remote.commit("main", files("v", "1"), "c");
    String unknown = "0123456789abcdef0123456789abcdef01234567";
    GitSource source = source().ref(GitRef.commit(unknown)).build();
    assertThatThrownBy(source::fetch)
        .isInstanceOf(SourceException.class)
        .hasMessageContaining(unknown)
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.NOT_FOUND);
  }

  @Test
  void resolveDoesNotFetchObjects() throws Exception {
    String first = remote.commit("main", files("v", "1"), "one");
    GitSource source = source().build();
    source.read(source.resolve());
    List<String> before = TestRepo.objectFiles(source.cacheDirectory());
    assertThat(before).isNotEmpty();

    // No new commit: same revision, nothing fetched.
    assertThat(source.resolve()).isEqualTo(first);
    assertThat(TestRepo.objectFiles(source.cacheDirectory())).isEqualTo(before);

    // A new commit is detected by resolve, but still not fetched until read.
    String second = remote.commit("main", files("v", "2"), "two");
    assertThat(source.resolve()).isEqualTo(second);
    assertThat(TestRepo.objectFiles(source.cacheDirectory())).isEqualTo(before);
    assertThat(source.read(second).file("v").orElseThrow().content()).isEqualTo("2".getBytes());
    assertThat(TestRepo.objectFiles(source.cacheDirectory())).isNotEqualTo(before);
  }

  @Test
  void shallowFetchTakesOnlyTheTipCommit() throws Exception {
    String parent = remote.commit("main", files("v", "1"), "one");
    String tip = remote.commit("main", files("v", "2"), "two");

    GitSource shallow = source().shallow(true).build();
    shallow.read(shallow.resolve());
    try (Repository cached = open(shallow.cacheDirectory())) {
      assertThat(cached.getObjectDatabase().has(ObjectId.fromString(tip))).isTrue();
      assertThat(cached.getObjectDatabase().has(ObjectId.fromString(parent))).isFalse();
      assertThat(shallow.cacheDirectory().resolve("shallow")).exists();
    }

    GitSource full = source().cacheDir(tmp.resolve("cache-full")).shallow(false).build();
    full.read(full.resolve());
    try (Repository cached = open(full.cacheDirectory())) {
      assertThat(cached.getObjectDatabase().has(ObjectId.fromString(parent))).isTrue();
    }
  }

  @Test
  void cacheIsReusedAcrossInstances() throws Exception {
    String id = remote.commit("main", files("v", "1"), "one");
    GitSource first = source().build();
    first.fetch();
    List<String> objects = TestRepo.objectFiles(first.cacheDirectory());

    GitSource second = source().path("").build();
    assertThat(second.cacheDirectory()).isEqualTo(first.cacheDirectory());
    // Delete the remote: the second instance must read from the cache alone.
    remote.close();
    deleteRecursively(remote.dir);
    assertThat(second.read(id).files()).hasSize(1);
    assertThat(TestRepo.objectFiles(second.cacheDirectory())).isEqualTo(objects);
  }

  @Test
  void concurrentInstancesShareOneCacheSafely() throws Exception {
    Map<String, Entry> many = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      many.put("f" + i + ".yaml", Entry.file("n: " + i));
    }
    String id = remote.commit("main", many, "many");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Snapshot>> results =
          pool.invokeAll(
              List.of(
                  () -> source().build().read(id),
                  () -> source().build().read(id),
                  () -> source().shallow(false).build().read(id),
                  () -> source().build().fetch()),
              60,
              TimeUnit.SECONDS);
      for (Future<Snapshot> result : results) {
        assertThat(result.get().files()).hasSize(50);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void forcePushedBranchResolvesToTheNewCommit() throws Exception {
    String base = remote.commit("main", files("v", "base"), "base");
    String before = remote.commit("main", files("v", "before"), "before");
    GitSource source = source().build();
    assertThat(source.fetch().revision()).isEqualTo(before);

    // Rewrite history: reset to base and commit something else.
    remote.setRef(Constants.R_HEADS + "main", ObjectId.fromString(base));
    String rewritten = remote.commit("main", files("v", "rewritten"), "rewritten");

    assertThat(source.resolve()).isEqualTo(rewritten);
    assertThat(source.fetch().file("v").orElseThrow().content()).isEqualTo("rewritten".getBytes());
  }

  @Test
  void deletedRefIsNotFoundAndNamed() throws Exception {
    remote.commit("release", files("v", "1"), "c");
    remote.commit("main", files("v", "1"), "c");
    GitSource source = source().ref(GitRef.branch("release")).build();
    source.fetch();
    remote.deleteRef(Constants.R_HEADS + "release");

    assertThatThrownBy(source::resolve)
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("branch 'release' not found")
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.NOT_FOUND);

    remote.lightweightTag("t1", remote.repo.resolve("main").name());
    GitSource tag = source().ref(GitRef.tag("t1")).build();
    tag.resolve();
    remote.deleteRef(Constants.R_TAGS + "t1");
    assertThatThrownBy(tag::resolve).hasMessageContaining("tag 't1' not found");
  }

  @Test
  void missingRepositoryIsReported() {
    GitSource source =
        GitSource.builder(tmp.resolve("absent.git").toUri().toString()).cacheDir(cache).build();
    assertThatThrownBy(source::resolve)
        .isInstanceOf(SourceException.class)
        .extracting(e -> ((SourceException) e).reason())
        .isIn(Reason.NOT_FOUND, Reason.UNREACHABLE);
  }

  @Test
  void fileTooLargeIsRefusedNamingTheFile() throws Exception {
    remote.commit("main", files("small.yaml", "ok", "big/blob.bin", "x".repeat(2000)), "c");
    GitSource source = source().limits(SourceLimits.custom().maxFileSize(1000).build()).build();
    assertThatThrownBy(source::fetch)
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("big/blob.bin")
        .hasMessageContaining("2000 bytes")
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.LIMIT_EXCEEDED);
  }

  @Test
  void tooManyFilesAreRefused() throws Exception {
    Map<String, Entry> many = new LinkedHashMap<>();
    for (int i = 0; i < 11; i++) {
      many.put(String.format("f%02d", i), Entry.file("x"));
    }
    remote.commit("main", many, "c");
    GitSource source = source().limits(SourceLimits.custom().maxFileCount(10).build()).build();
    assertThatThrownBy(source::fetch)
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("more than 10 files")
        .hasMessageContaining("f10")
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.LIMIT_EXCEEDED);
  }

  @Test
  void tooDeepTreeIsRefused() throws Exception {
    remote.commit("main", files("a/b/c/d/e.yaml", "x", "a/ok.yaml", "y"), "c");
    GitSource source = source().limits(SourceLimits.custom().maxDepth(3).build()).build();
    assertThatThrownBy(source::fetch)
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("a/b/c/d")
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.LIMIT_EXCEEDED);
    assertThat(source().limits(SourceLimits.custom().maxDepth(4).build()).build().fetch().files())
        .hasSize(2);
  }

  @Test
  void totalBytesLimitIsEnforced() throws Exception {
    remote.commit("main", files("a", "x".repeat(600), "b", "y".repeat(600)), "c");
    GitSource source = source().limits(SourceLimits.custom().maxTotalBytes(1000).build()).build();
    assertThatThrownBy(source::fetch)
        .hasMessageContaining("'b'")
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.LIMIT_EXCEEDED);
  }

  @Test
  void symlinkInsideThePathResolvesToTheTargetContent() throws Exception {
    Map<String, Entry> tree = new LinkedHashMap<>();
    tree.put("deploy/base/app.yaml", Entry.file("app"));
    tree.put("deploy/prod/app.yaml", Entry.link("../base/app.yaml"));
    tree.put("deploy/prod/alias.yaml", Entry.link("app.yaml"));
    remote.commit("main", tree, "links");
    Snapshot snapshot = source().path("deploy").build().fetch();
    assertThat(snapshot.file("prod/app.yaml").orElseThrow().content()).isEqualTo("app".getBytes());
    assertThat(snapshot.file("prod/alias.yaml").orElseThrow().content())
        .isEqualTo("app".getBytes());
  }

  @Test
  void symlinkLeavingThePathIsRejected() throws Exception {
    Map<String, Entry> tree = new LinkedHashMap<>();
    tree.put("secrets/key", Entry.file("s3cret"));
    tree.put("deploy/app.yaml", Entry.file("app"));
    tree.put("deploy/leak.yaml", Entry.link("../secrets/key"));
    remote.commit("main", tree, "escape");
    GitSource source = source().path("deploy").build();
    assertThatThrownBy(source::fetch)
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("symlink 'leak.yaml'")
        .hasMessageNotContaining("s3cret")
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.UNSAFE_CONTENT);

    Map<String, Entry> climbing = new LinkedHashMap<>();
    climbing.put("app.yaml", Entry.link("../../../etc/passwd"));
    remote.commit("main", climbing, "climb");
    assertThatThrownBy(source().build()::fetch)
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.UNSAFE_CONTENT);
  }

  @Test
  void absoluteSymlinkIsRejected() throws Exception {
    Map<String, Entry> tree = new LinkedHashMap<>();
    tree.put("passwd", Entry.link("/etc/passwd"));
    remote.commit("main", tree, "absolute");
    assertThatThrownBy(source().build()::fetch)
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("symlink 'passwd'")
        .hasMessageContaining("absolute")
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.UNSAFE_CONTENT);
  }

  @Test
  void submoduleIsReportedNotSkipped() throws Exception {
    Map<String, Entry> tree = new LinkedHashMap<>();
    tree.put("app.yaml", Entry.file("a"));
    tree.put("vendor/lib", Entry.gitlink("0123456789abcdef0123456789abcdef01234567"));
    remote.commit("main", tree, "submodule");
    assertThatThrownBy(source().build()::fetch)
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("'vendor/lib' is a submodule")
        .extracting(e -> ((SourceException) e).reason())
        .isEqualTo(Reason.UNSAFE_CONTENT);
  }

  @Test
  void nonUtf8FileNamesAreRead() throws Exception {
    Map<byte[], Entry> tree = new LinkedHashMap<>();
    byte[] latin1 = "caf\u00e9.yaml".getBytes(StandardCharsets.ISO_8859_1);
    tree.put(latin1, Entry.file("latin"));
    tree.put("日本.yaml".getBytes(StandardCharsets.UTF_8), Entry.file("utf8"));
    remote.commitRaw("main", tree, "names", null, true);
    Snapshot snapshot = source().build().fetch();
    assertThat(snapshot.files()).hasSize(2);
    assertThat(snapshot.file("日本.yaml")).isPresent();
    assertThat(snapshot.files())
        .anySatisfy(
            f -> assertThat(new String(f.content(), StandardCharsets.UTF_8)).isEqualTo("latin"));
  }

  @Test
  void userAndSystemGitConfigAreIgnored() throws Exception {
    String id = remote.commit("main", files("v", "1"), "one");
    // A user config that would redirect our URL to a missing repository.
    Path userConfig = tmp.resolve("user.gitconfig");
    Files.writeString(
        userConfig,
        "[url \""
            + tmp.resolve("nowhere.git").toUri()
            + "\"]\n\tinsteadOf = "
            + remote.fileUrl()
            + "\n");
    SystemReader original = SystemReader.getInstance();
    SystemReader hostile =
        new SystemReader.Delegate(original) {
          @Override
          public FileBasedConfig openUserConfig(Config parent, FS fs) {
            return new FileBasedConfig(parent, userConfig.toFile(), fs);
          }

          @Override
          public org.eclipse.jgit.lib.StoredConfig getUserConfig()
              throws java.io.IOException, org.eclipse.jgit.errors.ConfigInvalidException {
            FileBasedConfig config = new FileBasedConfig(userConfig.toFile(), FS.DETECTED);
            config.load();
            return config;
          }
        };
    SystemReader.setInstance(hostile);
    try {
      // Sanity: JGit outside a source sees the hostile config.
      assertThat(SystemReader.getInstance().getUserConfig().getSubsections("url")).hasSize(1);
      GitSource source = source().build();
      assertThat(source.resolve()).isEqualTo(id);
      assertThat(source.read(id).files()).hasSize(1);
      // Still visible to other JGit users afterwards.
      assertThat(SystemReader.getInstance().getUserConfig().getSubsections("url")).hasSize(1);
    } finally {
      SystemReader.setInstance(original);
    }
  }

  @Test
  void describeNamesUrlRefAndPath() {
    GitSource source =
        GitSource.builder("https://bob:hunter2@git.example.com/org/repo.git")
            .cacheDir(cache)
            .ref(GitRef.tag("v1"))
            .path("apps")
            .build();
    assertThat(source.describe())
        .isEqualTo("git https://git.example.com/org/repo.git tag v1 path apps")
        .doesNotContain("hunter2")
        .doesNotContain("bob");
    assertThat(source.toString()).doesNotContain("hunter2");
  }

  @Test
  void builderFailsFast() {
    assertThatThrownBy(() -> GitRef.commit("abc")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GitRef.branch("bad..name"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GitRef.semver(">=banana")).hasMessageContaining("banana");
    assertThatThrownBy(() -> source().path("../etc")).hasMessageContaining("..");
    assertThatThrownBy(() -> GitSource.builder("ssh://git@example.com/repo.git").build())
        .hasMessageContaining("sshKey");
    assertThat(GitRef.branch("refs/heads/main")).isEqualTo(GitRef.branch("main"));
  }

  @Test
  void readRejectsNonIds() throws Exception {
    remote.commit("main", files("v", "1"), "c");
    assertThatThrownBy(() -> source().build().read("main"))
        .asInstanceOf(InstanceOfAssertFactories.type(SourceException.class))
        .extracting(SourceException::reason)
        .isEqualTo(Reason.NOT_FOUND);
  }

  static Repository open(Path gitDir) throws Exception {
    return new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setBare().build();
  }

  static void deleteRecursively(Path dir) throws Exception {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }
}
