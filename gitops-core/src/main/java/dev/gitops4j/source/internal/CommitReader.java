package dev.gitops4j.source.internal;

import dev.gitops4j.source.CommitInfo;
import dev.gitops4j.source.GitSource;
import dev.gitops4j.source.Person;
import dev.gitops4j.source.SignaturePolicy;
import dev.gitops4j.source.SignatureVerdict;
import dev.gitops4j.source.Snapshot;
import dev.gitops4j.source.SourceException;
import dev.gitops4j.source.SourceException.Reason;
import dev.gitops4j.source.SourceFile;
import dev.gitops4j.source.SourceLimits;
import java.io.IOException;
import java.util.List;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one commit of the cache into a {@link Snapshot}: its signature checked against the policy
 * first, then the files under the path, within the limits, straight from the object database.
 */
public final class CommitReader {

  // Logged under GitSource, the logger name operators configure.
  private static final Logger LOG = LoggerFactory.getLogger(GitSource.class);

  private final SignaturePolicy signaturePolicy;
  private final String path;
  private final SourceLimits limits;
  private final String describe;

  /**
   * @param signaturePolicy decides which commits are read
   * @param path the sub-path read, {@code ""} for the repository root
   * @param limits bound the files read
   * @param describe the source's description for messages
   */
  public CommitReader(
      SignaturePolicy signaturePolicy, String path, SourceLimits limits, String describe) {
    this.signaturePolicy = signaturePolicy;
    this.path = path;
    this.limits = limits;
    this.describe = describe;
  }

  /** The snapshot of commit {@code id}, which must be in {@code repo}. */
  public Snapshot read(Repository repo, ObjectId id) throws SourceException, IOException {
    try (RevWalk walk = new RevWalk(repo)) {
      RevObject object = walk.peel(walk.parseAny(id));
      if (!(object instanceof RevCommit commit)) {
        throw new SourceException(
            Reason.NOT_FOUND, id.name() + " is not a commit (" + describe + ")");
      }
      walk.parseBody(commit);
      CommitPayload payload = CommitPayload.split(commit.getRawBuffer());
      SignatureVerdict verdict = signaturePolicy.check(payload.payload(), payload.signature());
      if (!verdict.isAcceptable()) {
        LOG.warn("{}: commit {} refused by signature policy: {}", describe, commit.name(), verdict);
        throw new SourceException(
            Reason.SIGNATURE_REFUSED,
            "commit "
                + commit.name()
                + " of "
                + describe
                + " refused by signature policy: "
                + verdict);
      }
      CommitInfo info =
          new CommitInfo(
              commit.name(),
              person(commit.getAuthorIdent()),
              person(commit.getCommitterIdent()),
              commit.getFullMessage(),
              verdict);
      List<SourceFile> files =
          new TreeReader(walk.getObjectReader(), commit.getTree(), path, limits).read();
      return new Snapshot(commit.name(), info, files);
    } catch (MissingObjectException e) {
      throw new SourceException(
          Reason.NOT_FOUND,
          "object " + e.getObjectId().name() + " missing in cache of " + describe);
    } catch (SourceException e) {
      if (e.reason() == Reason.NOT_FOUND
          || e.reason() == Reason.LIMIT_EXCEEDED
          || e.reason() == Reason.UNSAFE_CONTENT) {
        // Name the source, keep the path-specific detail.
        throw new SourceException(
            e.reason(), describe + " at " + id.name() + ": " + e.getMessage());
      }
      throw e;
    }
  }

  private static Person person(PersonIdent ident) {
    return ident == null
        ? null
        : new Person(ident.getName(), ident.getEmailAddress(), ident.getWhenAsInstant());
  }
}
