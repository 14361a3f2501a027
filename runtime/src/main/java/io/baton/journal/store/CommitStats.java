package io.baton.journal.store;

/**
 * Counters of the group-commit writer since the store was opened: how many synced batches it
 * wrote, how many write requests (appends, deletes, snapshot and epoch writes) they held, and how
 * many event records. {@code requests / groups} is the average group size; with concurrent writers
 * it grows, which is what lets batching, not fsync, set the throughput.
 *
 * @param groups RocksDB batches written (one WAL sync each when fsync is on)
 * @param requests write requests committed in those batches
 * @param records event records committed
 */
public record CommitStats(long groups, long requests, long records) {}
