package io.baton.samples.supervision;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The order-feed reader: accepts lines {@code "account,amount"} and counts the ones it accepted.
 *
 * <p>A line it cannot parse crashes it, on purpose: "let it crash" keeps the parsing code free of
 * recovery paths, and its supervisor restarts it with a fresh count. The count is the state of one
 * incarnation and dies with it.
 */
final class Ingest {

  /** The messages the reader accepts. */
  sealed interface Command {}

  /** One line of the feed, e.g. {@code "acct-7,120"}. */
  record Line(String text) implements Command {}

  /** Asks how many lines this incarnation has accepted. */
  record CountAccepted(ActorRef<Integer> replyTo) implements Command {}

  private Ingest() {}

  static Behavior<Command> create() {
    return accepting(0);
  }

  private static Behavior<Command> accepting(int accepted) {
    return Behaviors.receive(Command.class)
        .onMessage(
            Line.class,
            line -> {
              parse(line.text());
              return accepting(accepted + 1);
            })
        .onMessage(
            CountAccepted.class,
            ask -> {
              ask.replyTo().tell(accepted);
              return Behaviors.same();
            })
        .build();
  }

  /** Throws on a malformed line: a {@link NumberFormatException} for a bad amount. */
  private static void parse(String line) {
    String[] fields = line.split(",", -1);
    if (fields.length != 2 || fields[0].isBlank()) {
      throw new IllegalArgumentException(
          "feed line '" + line + "' is not 'account,amount'");
    }
    Long.parseLong(fields[1].trim());
  }
}
