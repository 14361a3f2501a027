/**
 * What operators see of a running node without reading its logs: an HTTP endpoint ({@link
 * io.baton.ops.OperatorEndpoint}) serving {@code /status} (the node, the cluster members, the
 * ring, replication and the journal store, as JSON), {@code /metrics} (Prometheus) and {@code
 * /health}, and the {@code baton-status} command line ({@link io.baton.ops.StatusCommand}) that
 * prints a node's status for a human. Configured under {@code baton.ops} in {@code
 * reference.conf}; see {@code docs/operations.md}.
 */
package io.baton.ops;
