package dev.gitops4j.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.GpgSignature;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * A bare repository written object by object, so tests can create symlinks, submodules, odd file
 * names and signed or tampered commits without a working tree.
 */
final class TestRepo implements AutoCloseable {

  /** One tree entry: mode and raw content (symlink target for links, commit id for gitlinks). */
  record Entry(FileMode mode, byte[] content) {
    static Entry file(String text) {
      return new Entry(FileMode.REGULAR_FILE, text.getBytes(StandardCharsets.UTF_8));
    }

    static Entry bytes(byte[] content) {
      return new Entry(FileMode.REGULAR_FILE, content);
    }

    static Entry link(String target) {
      return new Entry(FileMode.SYMLINK, target.getBytes(StandardCharsets.UTF_8));
    }

    static Entry gitlink(String commitId) {
      return new Entry(FileMode.GITLINK, commitId.getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** Signs the payload of a commit; returns the armored signature. */
  interface CommitSigner {
    byte[] sign(byte[] payload) throws Exception;
  }

  final Path dir;
  final Repository repo;
  private int tick;

  private TestRepo(Path dir, Repository repo) {
    this.dir = dir;
    this.repo = repo;
  }

  static TestRepo create(Path dir) throws IOException {
    Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
    repo.create(true);
    return new TestRepo(dir, repo);
  }

  String fileUrl() {
    return dir.toUri().toString();
  }

  static Map<String, Entry> files(String... pathsAndContents) {
    Map<String, Entry> out = new LinkedHashMap<>();
    for (int i = 0; i < pathsAndContents.length; i += 2) {
      out.put(pathsAndContents[i], Entry.file(pathsAndContents[i + 1]));
    }
    return out;
  }

  String commit(String branch, Map<String, Entry> files, String message) throws Exception {
    return commit(branch, files, message, null);
  }

  /** Commits {@code files} as the whole tree on top of {@code branch}; returns the commit id. */
  String commit(String branch, Map<String, Entry> files, String message, CommitSigner signer)
      throws Exception {
    Map<byte[], Entry> raw = new LinkedHashMap<>();
    files.forEach((path, entry) -> raw.put(path.getBytes(StandardCharsets.UTF_8), entry));
    return commitRaw(branch, raw, message, signer, true);
  }

  String commitRaw(
      String branch, Map<byte[], Entry> files, String message, CommitSigner signer, boolean parent)
      throws Exception {
    try (ObjectInserter inserter = repo.newObjectInserter()) {
      DirCache index = DirCache.newInCore();
      DirCacheBuilder builder = index.builder();
      // The index must be sorted by raw path bytes.
      TreeMap<String, Map.Entry<byte[], Entry>> sorted = new TreeMap<>();
      files.forEach(
          (path, entry) ->
              sorted.put(new String(path, StandardCharsets.ISO_8859_1), Map.entry(path, entry)));
      for (Map.Entry<byte[], Entry> e : sorted.values()) {
        DirCacheEntry entry = new DirCacheEntry(e.getKey());
        entry.setFileMode(e.getValue().mode());
        if (e.getValue().mode() == FileMode.GITLINK) {
          entry.setObjectId(
              ObjectId.fromString(new String(e.getValue().content(), StandardCharsets.US_ASCII)));
        } else {
          entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, e.getValue().content()));
        }
        builder.add(entry);
      }
      builder.finish();
      ObjectId tree = index.writeTree(inserter);
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(tree);
      ObjectId head = repo.resolve(Constants.R_HEADS + branch);
      if (parent && head != null) {
        commit.setParentId(head);
      }
      PersonIdent ident =
          new PersonIdent(
              "Alice Example",
              "alice@example.com",
              Instant.parse("2024-01-01T00:00:00Z").plusSeconds(tick++),
              ZoneOffset.UTC);
      commit.setAuthor(ident);
      commit.setCommitter(ident);
      commit.setMessage(message);
      if (signer != null) {
        commit.setGpgSignature(new GpgSignature(signer.sign(commit.build())));
      }
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      setRef(Constants.R_HEADS + branch, id);
      return id.name();
    }
  }

  /** Inserts raw commit bytes as is (for tampered commits) and points {@code branch} at them. */
  String insertRawCommit(String branch, byte[] raw) throws IOException {
    try (ObjectInserter inserter = repo.newObjectInserter()) {
      ObjectId id = inserter.insert(Constants.OBJ_COMMIT, raw);
      inserter.flush();
      setRef(Constants.R_HEADS + branch, id);
      return id.name();
    }
  }

  byte[] rawObject(String id) throws IOException {
    return repo.open(ObjectId.fromString(id)).getCachedBytes();
  }

  void lightweightTag(String name, String commitId) throws IOException {
    setRef(Constants.R_TAGS + name, ObjectId.fromString(commitId));
  }

  String annotatedTag(String name, String commitId) throws IOException {
    try (ObjectInserter inserter = repo.newObjectInserter()) {
      TagBuilder tag = new TagBuilder();
      tag.setTag(name);
      tag.setObjectId(ObjectId.fromString(commitId), Constants.OBJ_COMMIT);
      tag.setTagger(new PersonIdent("Alice Example", "alice@example.com"));
      tag.setMessage("release " + name);
      ObjectId id = inserter.insert(tag);
      inserter.flush();
      setRef(Constants.R_TAGS + name, id);
      return id.name();
    }
  }

  void setRef(String name, ObjectId id) throws IOException {
    RefUpdate update = repo.updateRef(name);
    update.setNewObjectId(id);
    update.setForceUpdate(true);
    RefUpdate.Result result = update.forceUpdate();
    if (result != RefUpdate.Result.NEW
        && result != RefUpdate.Result.FORCED
        && result != RefUpdate.Result.FAST_FORWARD
        && result != RefUpdate.Result.NO_CHANGE) {
      throw new IOException("cannot update " + name + ": " + result);
    }
  }

  void deleteRef(String name) throws IOException {
    RefUpdate update = repo.updateRef(name);
    update.setForceUpdate(true);
    RefUpdate.Result result = update.delete();
    if (result != RefUpdate.Result.FORCED) {
      throw new IOException("cannot delete " + name + ": " + result);
    }
  }

  /** Names and sizes of every file under the objects directory of a cache repository. */
  static List<String> objectFiles(Path gitDir) throws IOException {
    Path objects = gitDir.resolve("objects");
    if (!Files.isDirectory(objects)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(objects)) {
      walk.filter(Files::isRegularFile)
          .sorted()
          .forEach(p -> out.add(objects.relativize(p) + ":" + p.toFile().length()));
    }
    return out;
  }

  private boolean closed;

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      repo.close();
    }
  }
}
