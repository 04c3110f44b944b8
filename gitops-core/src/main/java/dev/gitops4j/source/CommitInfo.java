package dev.gitops4j.source;

import java.util.Objects;

/**
 * Metadata of the commit a snapshot was read from.
 *
 * @param id full commit id
 * @param author who wrote the change
 * @param committer who committed it
 * @param message full commit message
 * @param signature result of the signature policy
 */
public record CommitInfo(
    String id, Person author, Person committer, String message, SignatureVerdict signature) {

  public CommitInfo {
    Objects.requireNonNull(id, "id");
    signature = signature == null ? SignatureVerdict.notChecked() : signature;
  }

  /** First line of the message. */
  public String subject() {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
