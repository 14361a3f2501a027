/**
 * What operators see and do without reading logs: an HTTP endpoint ({@link
 * io.baton.ops.OperatorEndpoint}) serving {@code /status} (the node, the members, the ring, every
 * node's shards, entities, drain, replication lag and versions, the progress of drains and
 * catch-up, as JSON), {@code /metrics} (Prometheus), {@code /health}, and drain ({@code POST
 * /drain/{node}}, {@code POST /undrain/{node}}, {@code GET /drain}); and the command lines {@code
 * baton-status} ({@link io.baton.ops.StatusCommand}), {@code baton-drain} ({@link
 * io.baton.ops.DrainCommand}) and {@code baton-undrain} ({@link io.baton.ops.UndrainCommand}).
 * Configured under {@code baton.ops} in {@code reference.conf}; see {@code docs/operations.md}.
 */
package io.baton.ops;
