/**
 * Upgrading in service: schema versions of every value that leaves a JVM, migrations both ways,
 * and the version gate that keeps a cluster running two releases readable by both.
 *
 * <ul>
 *   <li>A class declares its schema history with a {@link io.baton.upgrade.SchemaMigration} named
 *       by {@link io.baton.upgrade.MigratedBy} (or {@code baton.upgrade.migrations}); without one
 *       it is at version 1.
 *   <li>Baton's serializer ({@code baton-cbor}, bound to {@link
 *       io.baton.serialization.ClusterSerializable}) stores {@code Class#version} with every
 *       payload, upgrades older data on read, writes at the cluster's active version ({@link
 *       io.baton.upgrade.ActiveVersions}) and refuses what it cannot read with a {@link
 *       io.baton.upgrade.SchemaVersionException}.
 *   <li>{@link io.baton.upgrade.VersionGate} decides the active versions from every live member's
 *       report; {@link io.baton.upgrade.SchemaVersions} holds this node's registry and active
 *       versions.
 *   <li>{@link io.baton.upgrade.UpgradeGate}: the operator's cluster-wide hold (nothing
 *       advances while held) and the gate's {@link io.baton.upgrade.GateStatus}, served by the
 *       operator endpoint.
 *   <li>{@link io.baton.upgrade.JoinCompatibility}: whether a joining node's jar can run with the
 *       cluster's active versions; a node too old or too new is refused at join, with the
 *       reason, and exits.
 *   <li>{@link io.baton.upgrade.BehaviourVersion}: the version of an entity type's behaviour,
 *       declared at registration and shown by the operator status.
 *   <li>The rolling-upgrade orchestrator that uses all of this from outside the nodes lives one
 *       layer up, in {@code io.baton.upgrade.rolling} (it reads the operator status; decision
 *       0023).
 * </ul>
 *
 * <p>Design: {@code docs/decisions/0014-schema-versions.md}, {@code
 * docs/decisions/0015-rolling-upgrade.md}; user guide: {@code docs/guide/upgrade.md}.
 */
package io.baton.upgrade;
