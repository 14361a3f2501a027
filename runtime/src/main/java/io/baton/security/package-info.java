/**
 * Who may use a node's HTTP endpoints: bearer tokens read from files ({@link
 * io.baton.security.TokenFile}), the rights they carry, and the {@code Origin}/{@code Host} checks
 * that keep a web page from driving an endpoint ({@link io.baton.security.EndpointAccess}, applied
 * to Pekko HTTP routes by {@link io.baton.security.AccessGuard}). The cluster transport's own
 * security is {@link io.baton.runtime.TransportSecurity}. See docs/security.md.
 */
package io.baton.security;
