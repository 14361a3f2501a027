/**
 * The journal benchmark: Baton's journal plugin against pekko-persistence-jdbc on PostgreSQL, in
 * the same run, through ordinary {@code EventSourcedBehavior}s. A plain main rather than JMH:
 * every target needs its own actor systems (for Baton R=2, a two-node cluster), and what is
 * measured is a round trip through a whole persistence stack, long enough for {@link
 * System#nanoTime()} around it.
 *
 * <h2>What is compared</h2>
 * Four targets ({@link io.baton.benchmarks.journal.JournalTarget}), each in a fresh JVM: Baton
 * with replication factor 2, synchronous and asynchronous (two cluster nodes in one JVM over
 * Artery TCP on loopback); Baton with factor 1 (one node, no cluster); and
 * pekko-persistence-jdbc 1.1.1 on a local PostgreSQL (one node, unreplicated). Three scenarios
 * ({@link io.baton.benchmarks.journal.JournalScenarios}): one entity persisting sequentially,
 * 100 entities persisting concurrently (each sequentially), and the recovery of an entity with
 * 20,000 events.
 *
 * <h2>Rules that keep the comparison fair</h2>
 * <ul>
 *   <li>The same entity ({@link io.baton.benchmarks.journal.BenchCounter}), event (one small
 *       record, Jackson JSON), driver ({@link io.baton.benchmarks.journal.SequentialDriver}) and
 *       Pekko defaults on every target; only the journal plugin's configuration differs.
 *   <li>Durable on every side: Baton with {@code fsync = on}, PostgreSQL with its defaults
 *       ({@code synchronous_commit = on}, {@code fsync = on}); both keep their data on the same
 *       disk.
 *   <li>Every target warms up on the same scenarios first (results discarded); every scenario
 *       uses fresh persistence ids; entities are recovered before their driver starts.
 *   <li>Percentiles are exact ({@link io.baton.benchmarks.journal.Percentiles}: every sample
 *       kept and sorted).
 *   <li>For the replicated targets the replica's lag is sampled while writing ({@link
 *       io.baton.benchmarks.journal.ReplicationLagSampler}): the asynchronous mode's loss window,
 *       and a check that the synchronous mode has none.
 * </ul>
 *
 * <p>Run it with {@code benchmarks/run-journal.sh}, which starts and removes a private
 * PostgreSQL, runs every target, and writes JSON and a markdown table of ratios to
 * {@code benchmarks/results/}.
 */
package io.baton.benchmarks.journal;
