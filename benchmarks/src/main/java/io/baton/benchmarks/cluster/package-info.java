/**
 * The cluster takeover benchmark: how long after {@code kill -9} of one node of three every entity
 * that lived on it answers again, and what the clients saw meanwhile, for Baton and for stock
 * Pekko Cluster Sharding, measured in the same run.
 *
 * <h2>The scenario</h2>
 * Per run, on a fresh cluster: three node JVMs on 127.0.0.1 started from the benchmarks fat jar
 * ({@link io.baton.benchmarks.cluster.BatonBenchNode} or {@link
 * io.baton.benchmarks.cluster.StockBenchNode}), 60 event-sourced counters, a steady load of about
 * 200 increments/s spread evenly over them, each counter entering through its own node ({@link
 * io.baton.benchmarks.cluster.SteadyLoad}); after every counter answered and a warm-up, SIGKILL of
 * node3 (not the oldest node, so not the shard coordinator's); the load goes on until every
 * counter that lived on node3 answered again from a survivor ({@link
 * io.baton.benchmarks.cluster.TakeoverTimeline}); then every counter is read and checked against
 * the acknowledged increments.
 *
 * <h2>What differs between the targets</h2>
 * Only what each side ships as its way of doing the job ({@link
 * io.baton.benchmarks.cluster.ClusterTarget}): Baton's node with its default settings and its
 * client ({@code BatonClient}, idempotency keys, retries across nodes), against stock sharding with
 * Pekko's defaults plus the Split Brain Resolver (without which nothing ever moves), a journal
 * shared by all nodes (pekko-persistence-jdbc on PostgreSQL), and a plain HTTP client that retries
 * on the next node with the same attempt timeout and deadline as Baton's client.
 *
 * <p>Run it with {@code benchmarks/run-cluster.sh}.
 */
package io.baton.benchmarks.cluster;
