package io.baton.samples.supervision;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Mails customers through a {@link MailRelay}. It does not retry: when the relay fails, the
 * notifier crashes and leaves retrying to its supervisor's restart intensity, which escalates a
 * failure that will not go away.
 */
final class Notifier {

  /** The messages the notifier accepts. */
  sealed interface Command {}

  /** Mails {@code text} to {@code recipient}; answers {@link Delivered} once the relay took it. */
  record Notify(String recipient, String text, ActorRef<Delivered> replyTo) implements Command {}

  /** The relay accepted the mail for {@code recipient}. */
  record Delivered(String recipient) {}

  private Notifier() {}

  static Behavior<Command> create(MailRelay relay) {
    return Behaviors.receive(Command.class)
        .onMessage(
            Notify.class,
            notify -> {
              relay.send(notify.recipient(), notify.text());
              notify.replyTo().tell(new Delivered(notify.recipient()));
              return Behaviors.same();
            })
        .build();
  }
}
