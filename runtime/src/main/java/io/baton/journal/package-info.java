/**
 * Baton's journal as Pekko Persistence plugins: {@link io.baton.journal.BatonJournal} (events)
 * and {@link io.baton.journal.BatonSnapshotStore} (snapshots), both on the node-local
 * {@link io.baton.journal.store.JournalStore}. An ordinary {@code EventSourcedBehavior} uses them
 * with configuration alone:
 *
 * <pre>
 *   pekko.persistence.journal.plugin = "baton.journal"
 *   pekko.persistence.snapshot-store.plugin = "baton.snapshot-store"
 *   baton.journal.dir = "data/node-1"
 * </pre>
 *
 * <p>Every key, with its default, is documented in the module's {@code reference.conf}. Events
 * are stored as Pekko's own serialized {@code PersistentRepr} (its protobuf
 * {@code MessageSerializer}, which also keeps event metadata); the plugins serialize, the store
 * keeps bytes, so replication can ship records without knowing the event types.
 */
package io.baton.journal;
