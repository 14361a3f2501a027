package io.baton.samples.bank.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.baton.client.HttpEntryPoint;
import io.baton.runtime.BatonNode;
import io.baton.runtime.NodeConfig;
import io.baton.samples.bank.Account;
import io.baton.samples.bank.Bank;
import io.baton.samples.bank.BankRelease;
import io.baton.upgrade.SchemaVersions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * One node of the bank cluster demo, {@code java -jar baton-samples-all.jar bank-node <flags>}: a
 * {@link BatonNode} with the bank registered ({@link Bank#register}) and its HTTP client entry
 * point on {@code --http-port}. The other flags are {@link NodeConfig#fromArguments}'s ({@code
 * --cluster-name}, {@code --name}, {@code --host}, {@code --port}, {@code --seed}, {@code
 * --data-dir}); {@code --exit-with-parent} halts the node when the process that started it exits,
 * so that a demo killed by its user leaves no node behind.
 *
 * <p>It reports on standard output, one line each, for the process that started it: {@code
 * BANK-NODE HTTP <url>} once the entry point listens, then {@code BANK-NODE MEMBERS-UP <n>} and
 * {@code BANK-NODE SHARDS <n>} whenever the number of Up members it sees, or of shards it hosts,
 * changes (checked every {@link #WATCH_INTERVAL}). It also says which release of the bank it runs,
 * {@code BANK-NODE RELEASE <n>} ({@link BankRelease}: 1 in {@code baton-samples-all.jar}, 2 in
 * {@code baton-samples-v2-all.jar}), and {@code BANK-NODE ACTIVE-VERSION <n>} whenever the schema
 * version it writes accounts' state at changes: the cluster's version gate holds it at 1 while a
 * release-1 node is a member, and moves it to 2 once every member runs release 2. The release is
 * also its {@code baton.node.app-version} ("1" or "2"), which the operator endpoint ({@code
 * -Dbaton.ops.enabled=on}) reports in {@code /status}.
 */
public final class BankNode {

  /** The prefix of every line a node reports. */
  public static final String REPORT = "BANK-NODE ";

  static final String HTTP_PORT_FLAG = "--http-port=";
  static final String EXIT_WITH_PARENT_FLAG = "--exit-with-parent";
  /**
   * Stops the node (exit status 0) as soon as it is Up and its entry point serves: the build
   * starts one node so, to record the classes a node loads (samples/pom.xml, ClassSharing).
   */
  static final String EXIT_WHEN_SERVING_FLAG = "--exit-when-serving";

  private static final Duration WATCH_INTERVAL = Duration.ofMillis(500);

  private BankNode() {}

  /** Starts the node; it runs until its process is killed or its actor system terminates. */
  public static void start(List<String> args, PrintStream out) {
    List<String> nodeFlags = new ArrayList<>();
    int httpPort = 0;
    boolean exitWithParent = false;
    boolean exitWhenServing = false;
    for (String arg : args) {
      if (arg.startsWith(HTTP_PORT_FLAG)) {
        String value = arg.substring(HTTP_PORT_FLAG.length());
        if (!value.matches("\\d{1,5}") || Integer.parseInt(value) > 65535) {
          throw new IllegalArgumentException(arg + " is not a port number: use 1-65535, or 0 to"
              + " let the system pick one");
        }
        httpPort = Integer.parseInt(value);
      } else if (arg.equals(EXIT_WITH_PARENT_FLAG)) {
        exitWithParent = true;
      } else if (arg.equals(EXIT_WHEN_SERVING_FLAG)) {
        exitWhenServing = true;
      } else {
        nodeFlags.add(arg);
      }
    }
    if (exitWithParent) {
      ProcessHandle.current().parent().ifPresent(parent ->
          parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
    }
    NodeConfig config = NodeConfig.fromArguments(nodeFlags);
    Config application = ConfigFactory.parseString("""
        pekko.loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
        pekko.logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
        pekko.loglevel = "WARNING"
        pekko.stdout-loglevel = "WARNING"
        pekko.log-dead-letters = off
        pekko.log-dead-letters-during-shutdown = off
        baton.client.http.enabled = on
        baton.client.http.host = "%s"
        baton.client.http.port = %d
        baton.node.app-version = "%d"
        """.formatted(config.host(), httpPort, BankRelease.ACCOUNT.number()))
        .withValue("baton.upgrade.classes", com.typesafe.config.ConfigValueFactory.fromIterable(
            Bank.SCHEMA_CLASSES.stream().map(Class::getName).toList()));
    int finalHttpPort = httpPort;
    BatonNode node = BatonNode.start(config, application);
    Bank.register(node);
    // Exit 0 after SIGTERM, 2 when the cluster downed or refused the node.
    node.exitWhenTerminated();
    HttpEntryPoint.get(node.system()).address().whenComplete((address, failure) -> {
      if (failure != null) {
        Throwable why = failure instanceof java.util.concurrent.CompletionException
            && failure.getCause() != null ? failure.getCause() : failure;
        out.println(REPORT + "HTTP-FAILED " + why.getMessage());
        System.err.println("bank-node could not start: " + why.getMessage()
            + " (flag " + HTTP_PORT_FLAG + finalHttpPort + ")");
        Runtime.getRuntime().halt(1);
      }
      address.ifPresent(a -> out.println(REPORT + "HTTP http://" + a.getHostString() + ":"
          + a.getPort()));
    });
    if (exitWhenServing) {
      HttpEntryPoint.get(node.system()).address().thenRun(() ->
          org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(node.system()))
              .registerOnMemberUp(() -> node.system().terminate()));
    }
    out.println(REPORT + "RELEASE " + BankRelease.ACCOUNT.number());
    watch(node, out);
  }

  /** Reports the Up members and the hosted shards whenever their numbers change. */
  private static void watch(BatonNode node, PrintStream out) {
    Cluster cluster = Cluster.get(node.system());
    AtomicInteger members = new AtomicInteger(-1);
    AtomicInteger shards = new AtomicInteger(-1);
    AtomicInteger activeVersion = new AtomicInteger(-1);
    AtomicBoolean asking = new AtomicBoolean();
    SchemaVersions versions = SchemaVersions.get(node.system());
    node.system().scheduler().scheduleWithFixedDelay(WATCH_INTERVAL, WATCH_INTERVAL, () -> {
      int up = 0;
      for (var member : cluster.state().getMembers()) {
        if (member.status() == MemberStatus.up()) {
          up++;
        }
      }
      if (members.getAndSet(up) != up) {
        out.println(REPORT + "MEMBERS-UP " + up);
      }
      int active = versions.activeVersionOf(Account.State.class);
      if (activeVersion.getAndSet(active) != active) {
        out.println(REPORT + "ACTIVE-VERSION " + active);
      }
      // One local question at a time: under load, a slow answer must not pile up more questions.
      if (asking.compareAndSet(false, true)) {
        node.hostedShards(WATCH_INTERVAL.multipliedBy(4)).whenComplete((byType, failure) -> {
          asking.set(false);
          if (byType != null) {
            int hosted = byType.values().stream().mapToInt(List::size).sum();
            if (shards.getAndSet(hosted) != hosted) {
              out.println(REPORT + "SHARDS " + hosted);
            }
          }
        });
      }
    }, node.system().executionContext());
  }
}
