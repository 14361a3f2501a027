package io.baton.cluster.testkit;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Prints this node's view of the membership as report lines for {@link LocalCluster}, one line per
 * event, {@code <EVENT> <address>}:
 *
 * <ul>
 *   <li>{@code MEMBER-JOINED}, {@code MEMBER-UP}, {@code MEMBER-LEFT}, {@code MEMBER-EXITED},
 *       {@code DOWN}, {@code REMOVED} for every member, this node included;
 *   <li>{@code SELF-UP}, {@code SELF-DOWN}, {@code SELF-REMOVED} in addition when the member is
 *       this node;
 *   <li>{@code UNREACHABLE}, {@code REACHABLE} when this node's failure detector changes its mind
 *       about a member.
 * </ul>
 *
 * <p>The subscription starts with the current state as events, so a member that was Up before the
 * reporter started is reported too. Addresses print as {@code pekko://<cluster>@<host>:<port>},
 * which is what {@link LocalCluster#address} returns.
 */
public final class ClusterEventReporter {

  public static final String MEMBER_UP = "MEMBER-UP";
  public static final String SELF_UP = "SELF-UP";
  public static final String UNREACHABLE = "UNREACHABLE";
  public static final String REACHABLE = "REACHABLE";
  public static final String DOWN = "DOWN";
  public static final String SELF_DOWN = "SELF-DOWN";
  public static final String REMOVED = "REMOVED";
  public static final String SELF_REMOVED = "SELF-REMOVED";

  private ClusterEventReporter() {}

  /** The reporter: spawn it once on each node. */
  public static Behavior<ClusterEvent.ClusterDomainEvent> create() {
    return Behaviors.setup(
        context -> {
          Cluster cluster = Cluster.get(context.getSystem());
          Address self = cluster.selfMember().address();
          ActorRef<ClusterEvent.ClusterDomainEvent> me = context.getSelf();
          cluster.subscriptions().tell(Subscribe.create(me.narrow(), ClusterEvent.MemberEvent.class));
          cluster
              .subscriptions()
              .tell(Subscribe.create(me.narrow(), ClusterEvent.ReachabilityEvent.class));
          return Behaviors.receive(ClusterEvent.ClusterDomainEvent.class)
              .onMessage(
                  ClusterEvent.MemberJoined.class,
                  e -> report("MEMBER-JOINED", e.member().address(), self, null))
              .onMessage(
                  ClusterEvent.MemberUp.class,
                  e -> report(MEMBER_UP, e.member().address(), self, SELF_UP))
              .onMessage(
                  ClusterEvent.MemberLeft.class,
                  e -> report("MEMBER-LEFT", e.member().address(), self, null))
              .onMessage(
                  ClusterEvent.MemberExited.class,
                  e -> report("MEMBER-EXITED", e.member().address(), self, null))
              .onMessage(
                  ClusterEvent.MemberDowned.class,
                  e -> report(DOWN, e.member().address(), self, SELF_DOWN))
              .onMessage(
                  ClusterEvent.MemberRemoved.class,
                  e -> report(REMOVED, e.member().address(), self, SELF_REMOVED))
              .onMessage(
                  ClusterEvent.UnreachableMember.class,
                  e -> report(UNREACHABLE, e.member().address(), self, null))
              .onMessage(
                  ClusterEvent.ReachableMember.class,
                  e -> report(REACHABLE, e.member().address(), self, null))
              .build();
        });
  }

  private static Behavior<ClusterEvent.ClusterDomainEvent> report(
      String event, Address member, Address self, String selfEvent) {
    HarnessLink.report(event + " " + member);
    if (selfEvent != null && member.equals(self)) {
      HarnessLink.report(selfEvent + " " + member);
    }
    return Behaviors.same();
  }
}
