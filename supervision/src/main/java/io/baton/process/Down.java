package io.baton.process;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * The message a monitoring process receives once when the monitored process exits: Erlang's
 * {@code {'DOWN', Ref, process, Pid, Reason}}. Delivered at once, with {@link ExitReason.NoProc},
 * when the target was already gone; with {@link ExitReason.NodeDown} when its node was lost.
 *
 * @param monitor the reference {@link Links#monitor} returned
 * @param target the monitored process
 * @param reason why it exited
 */
public record Down(MonitorRef monitor, ActorRef<?> target, ExitReason reason) {}
