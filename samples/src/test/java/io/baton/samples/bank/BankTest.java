package io.baton.samples.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.baton.client.BatonClient;
import io.baton.client.ClientResult;
import io.baton.client.ClientTime;
import io.baton.client.Reply;
import io.baton.client.Request;
import io.baton.client.RequestTransport;
import io.baton.client.RetryPolicy;
import io.baton.client.ShardingTransport;
import io.baton.journal.replication.JournalReplication;
import io.baton.samples.bank.TransferStatus.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bank on two cluster nodes in one JVM (real remoting, Cluster Sharding, Baton's replicated
 * journal), with the transfers' requests to accounts duplicated and their replies lost at random
 * (seeded), and accounts and transfers stopped in the middle of the run.
 */
@Timeout(180)
class BankTest {

  private static final long SEED = 20240611L;
  private static final RetryPolicy POLICY = RetryPolicy.defaults()
      .withDeadline(Duration.ofSeconds(10))
      .withAttemptTimeout(Duration.ofSeconds(3))
      .withBackoff(Duration.ofMillis(10), Duration.ofMillis(200), 2.0);

  private static Path root;
  private static ActorTestKit node0;
  private static ActorTestKit node1;
  private static List<ClusterSharding> sharding;
  private static final AtomicInteger duplicated = new AtomicInteger();
  private static final AtomicInteger repliesLost = new AtomicInteger();

  private static Config nodeConfig(String name) {
    return InJvmNodeConfig.of(root.resolve(name), "");
  }

  /**
   * The accounts' transport as the transfers see it: through either node, where each attempt is
   * also delivered a second time through the other node with probability 0.3 (as the sharding
   * buffer does after a retry), and its reply is lost with probability 0.2.
   */
  private static RequestTransport<AccountOperation, AccountOutcome> unreliable(
      ShardingTransport<Account.Command, AccountOperation, AccountOutcome> real) {
    Random random = new Random(SEED);
    return new RequestTransport<>() {
      @Override
      public int routes() {
        return real.routes();
      }

      @Override
      public CompletionStage<Reply<AccountOutcome>> send(int route, String entityId,
          Request<AccountOperation> request, Duration timeout) {
        boolean duplicate;
        boolean loseReply;
        synchronized (random) {
          duplicate = random.nextDouble() < 0.3;
          loseReply = random.nextDouble() < 0.2;
        }
        if (duplicate) {
          duplicated.incrementAndGet();
          real.send((route + 1) % real.routes(), entityId, request, timeout);
        }
        CompletionStage<Reply<AccountOutcome>> reply = real.send(route, entityId, request, timeout);
        if (!loseReply) {
          return reply;
        }
        return reply.thenCompose(r -> {
          repliesLost.incrementAndGet();
          return CompletableFuture.failedFuture(new TimeoutException("reply lost (injected)"));
        });
      }
    };
  }

  @BeforeAll
  static void startCluster() throws Exception {
    root = Files.createTempDirectory("baton-bank");
    node0 = ActorTestKit.create("baton", nodeConfig("node0"));
    node1 = ActorTestKit.create("baton", nodeConfig("node1"));
    for (ActorTestKit node : List.of(node0, node1)) {
      Cluster.get(node.system()).manager()
          .tell(Join.create(Cluster.get(node0.system()).selfMember().address()));
      JournalReplication.get(node.system());
    }
    for (ActorTestKit node : List.of(node0, node1)) {
      node.createTestProbe().awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(100), () -> {
        long up = java.util.stream.StreamSupport.stream(
                Cluster.get(node.system()).state().getMembers().spliterator(), false)
            .filter(m -> m.status() == MemberStatus.up()).count();
        assertEquals(2, up);
        return null;
      });
    }
    sharding = List.of(ClusterSharding.get(node0.system()), ClusterSharding.get(node1.system()));
    BatonClient<AccountOperation, AccountOutcome> transfersSeeAccounts = BatonClient.create(
        unreliable(ShardingTransport.create(sharding, Account.TYPE_KEY, Account.Execute::new)),
        POLICY, ClientTime.of(node0.system()));
    Bank.init(node0.system(), transfersSeeAccounts);
    Bank.init(node1.system(), transfersSeeAccounts);
  }

  @AfterAll
  static void stopCluster() {
    node1.shutdownTestKit();
    node0.shutdownTestKit();
  }

  private static BatonClient<AccountOperation, AccountOutcome> accounts() {
    return BatonClient.create(
        ShardingTransport.create(sharding, Account.TYPE_KEY, Account.Execute::new),
        POLICY, ClientTime.of(node0.system()));
  }

  private static BatonClient<TransferOperation, TransferStatus> transfers() {
    return BatonClient.create(
        ShardingTransport.create(sharding, Transfer.TYPE_KEY, Transfer.Execute::new),
        POLICY, ClientTime.of(node0.system()));
  }

  private static <R> R applied(CompletionStage<ClientResult<R>> stage) throws Exception {
    ClientResult<R> result = stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    ClientResult.Answered<R> answered = assertInstanceOf(ClientResult.Answered.class, result,
        () -> "no answer: " + result);
    Reply<R> reply = answered.reply();
    if (reply instanceof Reply.Applied<R> a) {
      return a.result();
    }
    if (reply instanceof Reply.AlreadyApplied<R> a) {
      return a.result();
    }
    throw new AssertionError("refused: " + reply);
  }

  private static long balance(String account) throws Exception {
    AccountOutcome outcome = applied(accounts().send(account, new AccountOperation.Balance()));
    return ((AccountOutcome.Accepted) outcome).balance();
  }

  /** An account applies each key once and records a refusal as the answer for that key. */
  @Test
  void anAccountRefusesAnOverdraftAndRemembersTheRefusal() throws Exception {
    BatonClient<AccountOperation, AccountOutcome> client = accounts();
    applied(client.send("solo", "solo:open", new AccountOperation.Open()));
    assertEquals(new AccountOutcome.Accepted(50),
        applied(client.send("solo", "solo:d1", new AccountOperation.Deposit(50))));
    assertEquals(new AccountOutcome.Accepted(50),
        applied(client.send("solo", "solo:d1", new AccountOperation.Deposit(50))));
    assertEquals(new AccountOutcome.Refused(AccountOutcome.Refused.INSUFFICIENT_FUNDS, 50),
        applied(client.send("solo", "solo:w1", new AccountOperation.Withdraw(80))));
    applied(client.send("solo", "solo:d2", new AccountOperation.Deposit(50)));
    assertEquals(new AccountOutcome.Refused(AccountOutcome.Refused.INSUFFICIENT_FUNDS, 50),
        applied(client.send("solo", "solo:w1", new AccountOperation.Withdraw(80))),
        "a retry of the refused withdrawal is refused again, though funds now suffice");
    assertEquals(100, balance("solo"));
  }

  /**
   * Many concurrent transfers, each ordered twice through both nodes, with the transfers'
   * requests duplicated and replies lost, and accounts and transfers stopped mid-run: every
   * transfer ends completed, compensated or refused, no money is created or destroyed, and every
   * account holds exactly what the completed transfers say.
   */
  @Test
  void concurrentTransfersConserveMoneyThroughDuplicatesAndRestarts() throws Exception {
    List<String> names = List.of("acc-0", "acc-1", "acc-2", "acc-3", "acc-4");
    BatonClient<AccountOperation, AccountOutcome> client = accounts();
    for (String name : names) {
      applied(client.send(name, name + ":open", new AccountOperation.Open()));
      applied(client.send(name, name + ":seed", new AccountOperation.Deposit(1000)));
    }
    long total = 1000L * names.size();

    Random random = new Random(SEED);
    Map<String, TransferOperation.Order> orders = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      String from = names.get(random.nextInt(names.size()));
      String to;
      do {
        to = names.get(random.nextInt(names.size()));
      } while (to.equals(from));
      orders.put("t-" + i, new TransferOperation.Order(from, to, 1 + random.nextInt(700)));
    }
    for (int i = 0; i < 3; i++) {
      orders.put("ghost-" + i, new TransferOperation.Order(names.get(i), "never-opened", 10));
    }
    orders.put("too-much", new TransferOperation.Order("acc-4", "acc-0", 1_000_000));

    BatonClient<TransferOperation, TransferStatus> transfers = transfers();
    List<CompletionStage<ClientResult<TransferStatus>>> sent = new ArrayList<>();
    for (Map.Entry<String, TransferOperation.Order> order : orders.entrySet()) {
      // Ordered twice, as a client that retries after its own crash would.
      sent.add(transfers.send(order.getKey(), "order:" + order.getKey(), order.getValue()));
      sent.add(transfers.send(order.getKey(), "order:" + order.getKey() + ":again",
          order.getValue()));
    }
    // Mid-run: accounts and transfers stop (their state is their events) and restart on next use.
    for (String name : List.of("acc-0", "acc-1", "acc-2")) {
      sharding.get(1).entityRefFor(Account.TYPE_KEY, name).tell(new Account.Stop());
    }
    for (int i = 0; i < 10; i++) {
      sharding.get(0).entityRefFor(Transfer.TYPE_KEY, "t-" + i).tell(new Transfer.Stop());
    }
    for (CompletionStage<ClientResult<TransferStatus>> stage : sent) {
      applied(stage);
    }

    // Reading the status also wakes a transfer stopped mid-step, which then resumes.
    Map<String, TransferStatus> ended = new HashMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (ended.size() < orders.size()) {
      assertTrue(System.nanoTime() < deadline, () -> "unfinished transfers after 90 s: "
          + (orders.size() - ended.size()));
      for (String id : orders.keySet()) {
        if (!ended.containsKey(id)) {
          TransferStatus status = applied(transfers.send(id, new TransferOperation.Status()));
          if (status.phase().isFinal()) {
            ended.put(id, status);
          }
        }
      }
      Thread.sleep(100); // polling a real cluster, not synchronising on time
    }

    Map<Phase, Integer> phases = new EnumMap<>(Phase.class);
    Map<String, Long> expected = new HashMap<>();
    names.forEach(name -> expected.put(name, 1000L));
    for (TransferStatus status : ended.values()) {
      phases.merge(status.phase(), 1, Integer::sum);
      if (status.phase() == Phase.COMPLETED) {
        expected.merge(status.from(), -status.amount(), Long::sum);
        expected.merge(status.to(), status.amount(), Long::sum);
      }
    }
    assertEquals(Phase.REFUSED, ended.get("too-much").phase());
    for (int i = 0; i < 3; i++) {
      Phase ghost = ended.get("ghost-" + i).phase();
      assertTrue(ghost == Phase.COMPENSATED || ghost == Phase.REFUSED, ghost::toString);
    }
    assertTrue(phases.keySet().stream().allMatch(p -> p == Phase.COMPLETED
        || p == Phase.COMPENSATED || p == Phase.REFUSED), phases::toString);
    long sum = 0;
    for (String name : names) {
      long balance = balance(name);
      assertEquals(expected.get(name), balance, name + " after " + phases);
      sum += balance;
    }
    assertEquals(total, sum, "money conserved");
    assertEquals(0, balance("never-opened"));
    System.out.printf("bank: %s; %d duplicated deliveries, %d replies lost%n", phases,
        duplicated.get(), repliesLost.get());
    assertTrue(duplicated.get() > 0 && repliesLost.get() > 0, "the faults were injected");
  }
}
