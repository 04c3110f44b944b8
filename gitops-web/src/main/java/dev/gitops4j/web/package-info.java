/**
 * REST API, live events and dashboard pages for an {@link dev.gitops4j.engine.Engine}, without a
 * web framework.
 *
 * <p>{@link dev.gitops4j.web.Dashboard} turns a {@link dev.gitops4j.web.WebRequest} into a {@link
 * dev.gitops4j.web.WebResponse}; {@link dev.gitops4j.web.Dashboard#mount} serves it from the JDK
 * {@code HttpServer} and {@link dev.gitops4j.web.DashboardServlet} from a servlet container. Live
 * updates come from a {@link dev.gitops4j.web.DashboardListener} registered on the engine.
 *
 * <p>Read-only unless actions are enabled; actions need a principal from an {@link
 * dev.gitops4j.web.Authenticator}, the permission of an {@link dev.gitops4j.web.Authorizer} and,
 * from the page, a CSRF token bound to the session cookie. Every action is recorded in the history.
 */
package dev.gitops4j.web;
