package dev.gitops4j.spring.internal;

import dev.gitops4j.web.Authenticator;
import dev.gitops4j.web.Principal;
import dev.gitops4j.web.WebRequest;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The principal Spring Security authenticated for the request being served: its name, and its
 * granted authorities as roles (so {@code gitops4j.dashboard.grants[*].role} names an authority).
 * The dashboard servlet handles a request on the thread Spring Security's filter chain ran on, so
 * the security context holds that request's authentication. Anonymous is nobody.
 */
public final class SpringSecurityAuthenticator implements Authenticator {

  @Override
  public Optional<Principal> authenticate(WebRequest request) {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication == null
        || !authentication.isAuthenticated()
        || authentication instanceof AnonymousAuthenticationToken) {
      return Optional.empty();
    }
    String name = authentication.getName();
    if (name == null || name.isBlank()) {
      return Optional.empty();
    }
    Set<String> roles =
        authentication.getAuthorities().stream()
            .map(GrantedAuthority::getAuthority)
            .filter(Objects::nonNull)
            .collect(Collectors.toUnmodifiableSet());
    return Optional.of(new Principal(name, roles));
  }
}
