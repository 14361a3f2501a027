package io.baton.runtime;

import io.baton.serialization.ClusterSerializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * A sharded entity that keeps every note it was sent and says so on standard output: the target
 * of {@link TransportSecurityProcessTest}, where a note from outside the cluster must never land.
 */
final class Guestbook {

  static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "guestbook");

  sealed interface Command extends ClusterSerializable {}

  /** Adds {@code note}; {@code replyTo} may be null for a fire-and-forget note. */
  record Sign(String note, ActorRef<Notes> replyTo) implements Command {}

  record Read(ActorRef<Notes> replyTo) implements Command {}

  record Notes(String entityId, List<String> notes) implements ClusterSerializable {
    Notes {
      notes = List.copyOf(notes);
    }
  }

  private Guestbook() {}

  static Behavior<Command> create(String entityId) {
    List<String> notes = new ArrayList<>();
    return Behaviors.receive(Command.class)
        .onMessage(Sign.class, sign -> {
          notes.add(sign.note());
          System.out.println("SIGNED " + entityId + " " + sign.note());
          System.out.flush();
          if (sign.replyTo() != null) {
            sign.replyTo().tell(new Notes(entityId, notes));
          }
          return Behaviors.same();
        })
        .onMessage(Read.class, read -> {
          read.replyTo().tell(new Notes(entityId, notes));
          return Behaviors.same();
        })
        .build();
  }
}
