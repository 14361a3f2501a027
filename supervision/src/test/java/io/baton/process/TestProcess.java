package io.baton.process;

import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A process a test drives by message: link, unlink, monitor, trap exits, crash, stop. Every exit
 * signal and down it receives goes to {@code events}, as {@link ExitSignal} and {@link Down}.
 */
final class TestProcess {

  interface Msg {}

  record Link(ActorRef<?> other) implements Msg {}

  record Unlink(ActorRef<?> other) implements Msg {}

  record TryLink(ActorRef<?> other) implements Msg {}

  record GotLinkResult(LinkResult result) implements Msg {}

  record Monitor(ActorRef<?> target, String name) implements Msg {}

  record Demonitor(String name) implements Msg {}

  record Trap(boolean on) implements Msg {}

  record SendExit(ActorRef<?> target, ExitReason reason) implements Msg {}

  record Crash(String why) implements Msg {}

  record Stop() implements Msg {}

  /** Exits with this reason, as Erlang's {@code exit(Reason)}. */
  record ExitWith(ExitReason reason) implements Msg {}

  record Echo(String text) implements Msg {}

  record GotExit(ExitSignal signal) implements Msg {}

  record GotDown(Down down) implements Msg {}

  private TestProcess() {}

  static Behavior<Msg> create(ActorRef<Object> events) {
    return Links.linkable(Behaviors.setup(ctx -> {
      Map<String, MonitorRef> monitors = new HashMap<>();
      return Behaviors.receive(Msg.class)
          .onMessage(Link.class, m -> {
            Links.link(ctx, m.other());
            events.tell("linked");
            return Behaviors.same();
          })
          .onMessage(TryLink.class, m -> {
            Links.tryLink(ctx, m.other(), GotLinkResult::new);
            return Behaviors.same();
          })
          .onMessage(GotLinkResult.class, m -> {
            events.tell(m.result());
            return Behaviors.same();
          })
          .onMessage(Unlink.class, m -> {
            Links.unlink(ctx, m.other());
            events.tell("unlinked");
            return Behaviors.same();
          })
          .onMessage(Monitor.class, m -> {
            monitors.put(m.name(), Links.monitor(ctx, m.target(), GotDown::new));
            events.tell("monitoring");
            return Behaviors.same();
          })
          .onMessage(Demonitor.class, m -> {
            Links.demonitor(ctx, monitors.get(m.name()));
            events.tell("demonitored");
            return Behaviors.same();
          })
          .onMessage(Trap.class, m -> {
            if (m.on()) {
              Links.trapExits(ctx, GotExit::new);
            } else {
              Links.stopTrappingExits(ctx);
            }
            events.tell("trap " + m.on());
            return Behaviors.same();
          })
          .onMessage(SendExit.class, m -> {
            Links.exit(ctx, m.target(), m.reason());
            return Behaviors.same();
          })
          .onMessage(Crash.class, m -> {
            throw new IllegalStateException(m.why());
          })
          .onMessage(Stop.class, m -> Behaviors.stopped())
          .onMessage(ExitWith.class, m -> {
            throw new ProcessExit(m.reason());
          })
          .onMessage(Echo.class, m -> {
            events.tell(m.text());
            return Behaviors.same();
          })
          .onMessage(GotExit.class, m -> {
            events.tell(m.signal());
            return Behaviors.same();
          })
          .onMessage(GotDown.class, m -> {
            events.tell(m.down());
            return Behaviors.same();
          })
          .build();
    }));
  }
}
