/** The engine embedded in a plain Java service, triggered by a Git webhook. */
package dev.gitops4j.examples.service;
