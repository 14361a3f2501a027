package io.baton.samples.supervision;

import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One logged-in user's session, holding the cart: a dynamic child of the {@code sessions}
 * simple_one_for_one supervisor, started with the user's name.
 *
 * <p>Invariant: the cart never holds a negative quantity; removing more than it holds crashes the
 * session, which its supervisor restarts with an empty cart. {@link Logout} ends it normally, and
 * as a transient child it is then not restarted.
 */
final class Session {

  /** The messages a session accepts. */
  sealed interface Command {}

  /** Puts {@code quantity} (positive) of {@code item} in the cart. */
  record AddToCart(String item, int quantity) implements Command {
    AddToCart {
      requirePositive(quantity);
    }
  }

  /** Takes {@code quantity} of {@code item} out of the cart; crashes if the cart holds fewer. */
  record RemoveFromCart(String item, int quantity) implements Command {
    RemoveFromCart {
      requirePositive(quantity);
    }
  }

  /** Asks for a copy of the cart, quantity by item. */
  record GetCart(ActorRef<Map<String, Integer>> replyTo) implements Command {}

  /** The user logged out: the session ends with reason {@code normal}. */
  record Logout() implements Command {}

  private Session() {}

  static Behavior<Command> create(String user) {
    return Behaviors.setup(context -> holding(user, new TreeMap<>()));
  }

  private static Behavior<Command> holding(String user, Map<String, Integer> cart) {
    return Behaviors.receive(Command.class)
        .onMessage(
            AddToCart.class,
            add -> {
              cart.merge(add.item(), add.quantity(), Integer::sum);
              return Behaviors.same();
            })
        .onMessage(
            RemoveFromCart.class,
            remove -> {
              int left = cart.getOrDefault(remove.item(), 0) - remove.quantity();
              if (left < 0) {
                throw new IllegalStateException(
                    user + "'s cart would hold " + left + " of " + remove.item());
              }
              cart.put(remove.item(), left);
              return Behaviors.same();
            })
        .onMessage(
            GetCart.class,
            get -> {
              get.replyTo().tell(Map.copyOf(cart));
              return Behaviors.same();
            })
        .onMessage(Logout.class, logout -> Behaviors.stopped())
        .build();
  }

  private static void requirePositive(int quantity) {
    if (quantity <= 0) {
      throw new IllegalArgumentException("quantity must be positive, was " + quantity);
    }
  }
}
