package io.baton.samples.bank;

import io.baton.client.BatonClient;
import io.baton.client.ClientTime;
import io.baton.client.RetryPolicy;
import io.baton.client.ShardingTransport;
import io.baton.runtime.BatonNode;
import io.baton.upgrade.SchemaVersions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;

/** Wires the bank into a node: the two entity types, and both exposed over HTTP. */
public final class Bank {

  /** How long a transfer waits before retrying a step whose outcome is unknown. */
  public static final Duration STEP_RETRY_DELAY = Duration.ofMillis(200);

  private Bank() {}

  /**
   * The bank's persisted and exchanged classes (sealed roots): declared to the version gate at
   * registration, and advertised by a bank node when it joins ({@code baton.upgrade.classes}), so
   * that a cluster refuses a bank jar that cannot read or write its active schema versions.
   */
  public static final java.util.List<Class<?>> SCHEMA_CLASSES = java.util.List.of(
      Account.Event.class, Account.State.class, Account.Command.class,
      Transfer.Event.class, Transfer.State.class, Transfer.Command.class);

  /**
   * Registers {@link Account} and {@link Transfer} on {@code node} and exposes them at {@code
   * /entities/account/{id}} and {@code /entities/transfer/{id}} of its HTTP entry point.
   */
  public static void register(BatonNode node) {
    BatonClient<AccountOperation, AccountOutcome> accounts = accountsClient(node.system());
    node.register(Account.TYPE_KEY, ctx -> Account.create(ctx.getEntityId()),
        BankRelease.ACCOUNT);
    SchemaVersions.get(node.system()).declare(SCHEMA_CLASSES.toArray(Class<?>[]::new));
    node.register(transferEntity(node.system(), accounts));
    node.exposeOverHttp(Account.TYPE_KEY, AccountOperation.class, Account.Execute::new);
    node.exposeOverHttp(Transfer.TYPE_KEY, TransferOperation.class, Transfer.Execute::new);
  }

  /**
   * Starts both types on an actor system that is not a BatonNode (tests), with the transfers
   * reaching accounts through {@code accounts}.
   */
  public static void init(ActorSystem<?> system,
      BatonClient<AccountOperation, AccountOutcome> accounts) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(Entity.of(Account.TYPE_KEY, ctx -> Account.create(ctx.getEntityId())));
    sharding.init(transferEntity(system, accounts));
  }

  /**
   * The transfer type, with remember-entities on and stored in the journal: the sweeper of
   * unfinished transfers. A transfer is on its shard's list from its first message until it
   * passivates once it has nothing left to drive ({@link Transfer#REST_AFTER} after it became
   * final); when a node dies, each of its shards starts on another node, reads its list from the
   * replicated journal and starts every transfer on it, which recovers and drives its saga to a
   * final state without any client asking. Accounts do not need it: they only react.
   */
  public static Entity<Transfer.Command, ShardingEnvelope<Transfer.Command>> transferEntity(
      ActorSystem<?> system, BatonClient<AccountOperation, AccountOutcome> accounts) {
    return Entity.of(Transfer.TYPE_KEY, ctx -> Transfer.create(ctx.getEntityId(), accounts,
            Clock.systemUTC(), STEP_RETRY_DELAY, ctx.getShard()))
        .withSettings(ClusterShardingSettings.create(system)
            .withRememberEntities(true)
            .withRememberEntitiesStoreMode(
                ClusterShardingSettings.rememberEntitiesStoreModeEventSourced()));
  }

  /** The client a node's transfers use: Cluster Sharding from that node, Baton's retries. */
  public static BatonClient<AccountOperation, AccountOutcome> accountsClient(
      ActorSystem<?> system) {
    return BatonClient.create(
        ShardingTransport.create(List.of(ClusterSharding.get(system)), Account.TYPE_KEY,
            Account.Execute::new),
        RetryPolicy.defaults(), ClientTime.of(system));
  }
}
