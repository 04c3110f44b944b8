/**
 * Spring Boot starter: {@link dev.gitops4j.spring.GitOpsProperties} ({@code gitops4j.*}) and {@link
 * dev.gitops4j.spring.GitOpsAutoConfiguration}, which builds, starts and closes the engine, and
 * adds health per application, the {@code gitops4j} actuator endpoint, Micrometer meters and the
 * dashboard when their libraries are present. See docs/spring-boot.md.
 */
package dev.gitops4j.spring;
