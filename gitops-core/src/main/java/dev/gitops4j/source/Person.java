package dev.gitops4j.source;

import java.time.Instant;

/**
 * Author or committer of a commit.
 *
 * @param name display name
 * @param email e-mail address
 * @param when time of authoring or committing
 */
public record Person(String name, String email, Instant when) {}
