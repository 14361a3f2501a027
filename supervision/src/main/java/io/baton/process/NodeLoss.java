package io.baton.process;

import java.util.Objects;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * The hook through which whatever knows that a node's process is gone tells links and monitors at
 * once, instead of their waiting until the cluster removes the member.
 *
 * <p>By itself the supervision module learns that a remote peer's node is lost from Pekko's death
 * watch, which says so only when the cluster removes the member: the failure detector plus the
 * Split Brain Resolver's {@code stable-after}, seconds. A runtime that knows sooner (Baton's
 * {@code io.baton.ring.ProcessDeathDetector}, which finds a killed JVM by its refused remoting
 * port within about 200 ms) calls {@link #processGone}; every process linked to or monitoring a
 * process at that address then gets its exit signal or {@link Down} with {@link
 * ExitReason.NodeDown} (Erlang's {@code noconnection}) at once. The supervision module depends on
 * nothing that feeds it: it is a message on the actor system's event stream.
 *
 * <p>Call it only on certainty: a report is believed, and the links fire even if the node is in
 * fact alive (a frozen process, a partition). Exit signals the peers sent before they died and
 * that are still in flight are lost, as they are to a lost node.
 */
public final class NodeLoss {

  private NodeLoss() {}

  /**
   * Published on the event stream by {@link #processGone}.
   *
   * @param node the address of the node whose process is gone
   * @param evidence how that is known, for the log
   */
  public record ProcessGone(Address node, String evidence) {
    public ProcessGone {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(evidence, "evidence");
    }
  }

  /**
   * Tells every process of {@code system} linked to or monitoring a process on {@code node} that
   * it is gone: they get {@link ExitReason.NodeDown} now. Safe from any thread.
   */
  public static void processGone(ActorSystem<?> system, Address node, String evidence) {
    Adapter.toClassic(system).eventStream().publish(new ProcessGone(node, evidence));
  }
}
