/**
 * gitops4j web: REST API, server-sent events and dashboard pages for an engine, served from the JDK
 * HttpServer or a servlet container.
 */
module dev.gitops4j.web {
  requires transitive dev.gitops4j.core;
  requires transitive jdk.httpserver;
  requires static transitive jakarta.servlet;
  requires org.slf4j;

  exports dev.gitops4j.web;
}
