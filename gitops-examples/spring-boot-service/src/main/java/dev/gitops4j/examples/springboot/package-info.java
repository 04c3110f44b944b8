/**
 * A Spring Boot service using the gitops4j starter; run {@link
 * dev.gitops4j.examples.springboot.ShopService}.
 */
package dev.gitops4j.examples.springboot;
