package dev.gitops4j.engine;

import dev.gitops4j.model.Plan;

/**
 * A plan that waits for {@code Engine.approve(application, planId)}.
 *
 * @param application application name
 * @param planId the id to approve; covers the revision and every step, so a plan computed after the
 *     revision or live state moved gets a different id
 * @param revision the revision the plan realizes
 * @param plan the steps that would run
 * @param diff redacted human-readable diff of the changes
 */
public record ApprovalRequest(
    String application, String planId, String revision, Plan plan, String diff) {}
