/**
 * Planning: {@link dev.gitops4j.plan.Planner} turns a drift report into ordered waves of create,
 * update and delete steps. Pure functions only; the planner enforces that an empty revision never
 * prunes everything and that only owned resources are deleted.
 */
package dev.gitops4j.plan;
