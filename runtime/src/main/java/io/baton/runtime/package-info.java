/**
 * The Baton cluster node: Pekko Cluster membership with the Split Brain Resolver, entities on a
 * ring of nodes, the replicated journal, client entry points that mask failover, and operator
 * views. It builds on {@code io.baton.supervision} for everything local to one node.
 */
package io.baton.runtime;
