package io.baton.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.Subscribe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Links and monitors across two real JVMs on 127.0.0.1: exit reasons cross the node as JSON, and
 * the loss of a node (its JVM killed with SIGKILL, detected by the failure detector and downed by
 * the Split Brain Resolver) reaches links and monitors as {@link ExitReason.NodeDown}.
 *
 * <p>This JVM is the oldest member, so keep-oldest always keeps it. Each test gets a fresh cluster:
 * a new node here and a new {@link RemoteNodeMain} JVM, which {@link #stopNodes} kills by PID
 * whatever the outcome.
 */
@Timeout(120)
class CrossNodeLinkTest {

  /** Time for the remote JVM to start, join and register its process. */
  private static final Duration REMOTE_START = Duration.ofSeconds(60);
  /** Time for node loss to be detected, downed and removed: ~7 s expected, generous on 2 cores. */
  private static final Duration NODE_LOSS = Duration.ofSeconds(60);
  private static final Duration LOCAL = Duration.ofSeconds(10);

  private ActorTestKit kit;
  private TestJvm remoteJvm;
  private Address remoteAddress;
  private ActorRef<RemoteNodeMain.Command> remoteProcess;

  @BeforeEach
  void startTwoNodeCluster(TestInfo test) throws Exception {
    kit = ActorTestKit.create(RemoteNodeMain.SYSTEM_NAME, RemoteNodeMain.clusterConfig());
    Cluster cluster = Cluster.get(kit.system());
    Address self = cluster.selfMember().address();
    // The first node joins itself directly: no seed-node list, so no seed-node-timeout wait.
    cluster.manager().tell(Join.create(self));

    TestProbe<ClusterEvent.MemberUp> ups = kit.createTestProbe(ClusterEvent.MemberUp.class);
    cluster.subscriptions().tell(Subscribe.create(ups.ref(), ClusterEvent.MemberUp.class));
    TestProbe<Receptionist.Listing> listings = kit.createTestProbe(Receptionist.Listing.class);
    kit.system()
        .receptionist()
        .tell(Receptionist.subscribe(RemoteNodeMain.TARGET_KEY, listings.ref()));

    remoteJvm = TestJvm.start(RemoteNodeMain.class, "cross-node",
        test.getTestMethod().orElseThrow().getName(), self.toString());

    // Remote death watch is only honoured for members that are Up here: wait for that first.
    ups.fishForMessage(
        REMOTE_START,
        "the remote node to be Up (log: " + remoteJvm.log() + ")",
        up -> {
          if (up.member().address().equals(self)) {
            return FishingOutcomes.continueAndIgnore();
          }
          remoteAddress = up.member().address();
          return FishingOutcomes.complete();
        });
    listings.fishForMessage(
        REMOTE_START,
        "the remote process to be registered (log: " + remoteJvm.log() + ")",
        listing -> {
          var instances = listing.getServiceInstances(RemoteNodeMain.TARGET_KEY);
          if (instances.isEmpty()) {
            return FishingOutcomes.continueAndIgnore();
          }
          remoteProcess = instances.iterator().next();
          return FishingOutcomes.complete();
        });
    assertEquals(remoteAddress, remoteProcess.path().address());
  }

  @AfterEach
  void stopNodes() throws Exception {
    try {
      if (remoteJvm != null) {
        remoteJvm.kill();
        remoteJvm.closeInput();
        if (remoteAddress != null) {
          // Its JVM is gone for sure: down it now, so that this node's leave need not wait for
          // the failure detector and the Split Brain Resolver (a no-op once it was removed).
          Cluster.get(kit.system())
              .manager()
              .tell(new org.apache.pekko.cluster.typed.Down(remoteAddress));
        }
      }
    } finally {
      if (kit != null) {
        ActorTestKit.shutdown(kit.system(), Duration.ofSeconds(30), true);
      }
    }
  }

  /** The property: a remote process's crash reason crosses the node as JSON, intact. */
  @Test
  void remoteCrashReachesTrappingLinkAsAbnormalExitSignal() {
    TestProbe<Object> trapped = kit.createTestProbe();
    ActorRef<Agent.Command> trapper =
        kit.spawn(Links.trappingExits(Agent.create(trapped.ref()), Agent.Received::new), "trapper");
    linkTo(trapper, remoteProcess);

    // Sent by the linking process itself, so it reaches the remote process after the Link.
    trapper.tell(new Agent.Send(remoteProcess, new RemoteNodeMain.Crash("remote boom")));

    ExitSignal signal = trapped.expectMessageClass(ExitSignal.class, LOCAL);
    assertEquals(remoteProcess, signal.from());
    assertEquals(
        new ExitReason.Abnormal(IllegalStateException.class.getName(), "remote boom", null),
        signal.reason());
    assertNull(((ExitReason.Abnormal) signal.reason()).cause(), "no Throwable crosses nodes");
  }

  /** The property: a trapping process linked to a process on a killed node gets NodeDown. */
  @Test
  void killedRemoteNodeReachesTrappingLinkAsNodeDown() {
    TestProbe<Object> trapped = kit.createTestProbe();
    ActorRef<Agent.Command> trapper =
        kit.spawn(Links.trappingExits(Agent.create(trapped.ref()), Agent.Received::new), "trapper");
    linkTo(trapper, remoteProcess);

    long killedAt = System.nanoTime();
    remoteJvm.kill();

    ExitSignal signal = trapped.expectMessageClass(ExitSignal.class, NODE_LOSS);
    report("trapping link got NodeDown", killedAt);
    assertEquals(new ExitSignal(remoteProcess, nodeDown()), signal);
  }

  /**
   * The properties: a monitor on a process of a killed node gets Down with NodeDown and survives;
   * a non-trapping process linked to it dies, with NodeDown as its own exit reason.
   */
  @Test
  void killedRemoteNodeDeliversDownToMonitorAndKillsNonTrappingLink() {
    TestProbe<Object> downs = kit.createTestProbe();
    ActorRef<Agent.Command> monitor =
        kit.spawn(Links.linkable(Agent.create(downs.ref())), "monitor");
    TestProbe<MonitorRef> monitorRefs = kit.createTestProbe(MonitorRef.class);
    monitor.tell(new Agent.MonitorTarget(remoteProcess, monitorRefs.ref()));
    MonitorRef monitorRef = monitorRefs.receiveMessage(LOCAL);

    TestProbe<Object> reportsOfLinked = kit.createTestProbe(); // never used: it does not trap
    ActorRef<Agent.Command> linked =
        kit.spawn(Links.linkable(Agent.create(reportsOfLinked.ref())), "linked");
    linkTo(linked, remoteProcess);
    // A local trapping witness linked to `linked` learns the reason `linked` dies with.
    TestProbe<Object> witnessed = kit.createTestProbe();
    ActorRef<Agent.Command> witness =
        kit.spawn(
            Links.trappingExits(Agent.create(witnessed.ref()), Agent.Received::new), "witness");
    linkTo(witness, linked);
    TestProbe<Object> deaths = kit.createTestProbe();

    long killedAt = System.nanoTime();
    remoteJvm.kill();

    Down down = downs.expectMessageClass(Down.class, NODE_LOSS);
    report("monitor got Down", killedAt);
    assertEquals(new Down(monitorRef, remoteProcess, nodeDown()), down);

    deaths.expectTerminated(linked, LOCAL);
    report("non-trapping link terminated", killedAt);
    assertEquals(
        new ExitSignal(linked, nodeDown()), witnessed.expectMessageClass(ExitSignal.class, LOCAL));

    TestProbe<Done> pongs = kit.createTestProbe(Done.class);
    monitor.tell(new Agent.Ping(pongs.ref()));
    pongs.expectMessage(LOCAL, Done.getInstance()); // a monitor never kills its owner
  }

  /**
   * Property: a node loss reported through {@link NodeLoss#processGone} (as the runtime's process
   * death detector reports a killed JVM) fires links and monitors on that node's processes at
   * once, as NodeDown, without waiting for the cluster to remove the member. The remote JVM is not
   * even killed here: nothing but the report can have fired them.
   */
  @Test
  void aReportedNodeProcessLossFiresLinksAndMonitorsAtOnceAsNodeDown() {
    TestProbe<Object> received = kit.createTestProbe();
    ActorRef<Agent.Command> trapper =
        kit.spawn(Links.trappingExits(Agent.create(received.ref()), Agent.Received::new), "trapper");
    linkTo(trapper, remoteProcess);
    TestProbe<MonitorRef> monitorRefs = kit.createTestProbe(MonitorRef.class);
    trapper.tell(new Agent.MonitorTarget(remoteProcess, monitorRefs.ref()));
    MonitorRef monitorRef = monitorRefs.receiveMessage(LOCAL);

    NodeLoss.processGone(kit.system(), remoteAddress, "reported by the test");

    List<Object> seen = List.of(received.receiveMessage(LOCAL), received.receiveMessage(LOCAL));
    assertTrue(seen.contains(new ExitSignal(remoteProcess, nodeDown())), seen.toString());
    assertTrue(seen.contains(new Down(monitorRef, remoteProcess, nodeDown())), seen.toString());
  }

  // ------------------------------------------------------------------ helpers

  private ExitReason nodeDown() {
    return new ExitReason.NodeDown(remoteAddress.toString());
  }

  /** Links {@code agent} to {@code peer} and waits until the agent has made the link. */
  private void linkTo(ActorRef<Agent.Command> agent, ActorRef<?> peer) {
    TestProbe<Done> acks = kit.createTestProbe(Done.class);
    agent.tell(new Agent.LinkTo(peer, acks.ref()));
    acks.expectMessage(LOCAL, Done.getInstance());
  }

  private static void report(String what, long sinceNanos) {
    System.out.printf(
        "%s %d ms after kill -9%n",
        what,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos));
  }

  /** A process on the test node that links and monitors on command and reports what it receives. */
  static final class Agent {

    sealed interface Command {}

    record LinkTo(ActorRef<?> peer, ActorRef<Done> replyTo) implements Command {}

    record MonitorTarget(ActorRef<?> target, ActorRef<MonitorRef> replyTo) implements Command {}

    record Send(ActorRef<RemoteNodeMain.Command> to, RemoteNodeMain.Command message)
        implements Command {}

    record Ping(ActorRef<Done> replyTo) implements Command {}

    /** An {@link ExitSignal} or {@link Down}, forwarded to the reports probe. */
    record Received(Object signal) implements Command {}

    static Behavior<Command> create(ActorRef<Object> reports) {
      return Behaviors.setup(
          context ->
              Behaviors.receive(Command.class)
                  .onMessage(
                      LinkTo.class,
                      m -> {
                        Links.link(context, m.peer());
                        m.replyTo().tell(Done.getInstance());
                        return Behaviors.same();
                      })
                  .onMessage(
                      MonitorTarget.class,
                      m -> {
                        m.replyTo().tell(Links.monitor(context, m.target(), Received::new));
                        return Behaviors.same();
                      })
                  .onMessage(
                      Send.class,
                      m -> {
                        m.to().tell(m.message());
                        return Behaviors.same();
                      })
                  .onMessage(
                      Ping.class,
                      m -> {
                        m.replyTo().tell(Done.getInstance());
                        return Behaviors.same();
                      })
                  .onMessage(
                      Received.class,
                      m -> {
                        reports.tell(m.signal());
                        return Behaviors.same();
                      })
                  .build());
    }
  }
}
