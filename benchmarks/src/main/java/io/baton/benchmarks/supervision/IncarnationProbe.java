package io.baton.benchmarks.supervision;

import io.baton.benchmarks.supervision.CrashableWorker.Announced;
import io.baton.benchmarks.supervision.CrashableWorker.Answered;
import io.baton.benchmarks.supervision.CrashableWorker.Command;
import io.baton.benchmarks.supervision.CrashableWorker.Observation;
import io.baton.benchmarks.supervision.CrashableWorker.Ping;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Pings every worker incarnation that announces itself and hands the one that answered to the
 * waiting benchmark thread: "the restarted child answers a request", with a single blocking
 * hand-off at the very end.
 */
final class IncarnationProbe {

  private IncarnationProbe() {}

  static Behavior<Observation> create(HandOff<ActorRef<Command>> answered) {
    return Behaviors.setup(
        context ->
            Behaviors.receive(Observation.class)
                .onMessage(
                    Announced.class,
                    announced -> {
                      announced.worker().tell(new Ping(context.getSelf()));
                      return Behaviors.same();
                    })
                .onMessage(
                    Answered.class,
                    reply -> {
                      answered.offer(reply.worker());
                      return Behaviors.same();
                    })
                .build());
  }
}
