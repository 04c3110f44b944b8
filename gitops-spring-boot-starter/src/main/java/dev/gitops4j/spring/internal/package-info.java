/** Implementation of the starter: engine assembly, lifecycle, actuator adapters, dashboard. */
package dev.gitops4j.spring.internal;
