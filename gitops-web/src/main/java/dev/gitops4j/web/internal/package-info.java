/** Implementation of the dashboard: routing, views, pages, sessions and live events. */
package dev.gitops4j.web.internal;
