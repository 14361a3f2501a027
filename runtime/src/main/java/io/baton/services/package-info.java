/**
 * The node's own services as one Baton supervision tree ({@link io.baton.services.NodeServices}):
 * below every other layer of the runtime, so that the ring, the journal's replication, upgrades
 * and operations each start their services under it.
 */
package io.baton.services;
