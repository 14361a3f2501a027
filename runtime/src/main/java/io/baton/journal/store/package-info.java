/**
 * The node-local event store under Baton's journal: events, snapshots and fencing epochs of many
 * persistence ids in one embedded RocksDB database per data directory.
 *
 * <p>The store handles bytes only. The Pekko plugins in {@code io.baton.journal} serialize
 * {@code PersistentRepr}s and snapshots before they reach it, so a replica endpoint that receives
 * already-serialized records over the network can write them through the same
 * {@link io.baton.journal.store.JournalStore#append(java.util.List)} and read them back unchanged.
 *
 * <p>What it guarantees, in one place (each type repeats its part):
 * <ul>
 *   <li>A write is atomic (one RocksDB {@code WriteBatch}) and, once its stage completes, durable:
 *       the write-ahead log was fsynced. Concurrent writes are coalesced by one writer thread into
 *       one synced batch (group commit).
 *   <li>A write becomes visible to reads only once it is durable.
 *   <li>Every stored value carries a CRC32C of its payload; a value that fails the check, or is
 *       shorter than its header says, is never returned: the read throws
 *       {@link io.baton.journal.store.CorruptRecordException} naming the record.
 *   <li>The highest sequence number of a persistence id survives the deletion of its events.
 * </ul>
 */
package io.baton.journal.store;
