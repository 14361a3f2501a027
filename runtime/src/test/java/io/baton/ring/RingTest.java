package io.baton.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

/** The ring: one order for everyone, successors wrap, replica sets follow the owner. */
class RingTest {

  private static Address node(int port) {
    return new Address("pekko", "baton", "127.0.0.1", port);
  }

  private final Address a = node(2551);
  private final Address b = node(2552);
  private final Address c = node(2553);
  private final Address d = node(25510);

  @Test
  void everyNodeComputesTheSameOrderWhateverTheOrderItSawMembersIn() {
    List<Address> members = new ArrayList<>(List.of(a, b, c, d));
    Ring expected = Ring.of(members);
    Random random = new Random(42);
    for (int i = 0; i < 20; i++) {
      Collections.shuffle(members, random);
      assertEquals(expected, Ring.of(members));
    }
    assertEquals(List.of(a, b, c, d), expected.nodes());
  }

  @Test
  void successorsWrapAroundAndNeverIncludeTheNodeItself() {
    Ring ring = Ring.of(List.of(a, b, c));
    assertEquals(List.of(b, c), ring.successors(a, 2));
    assertEquals(List.of(a, b), ring.successors(c, 2));
    assertEquals(List.of(a, b), ring.successors(c, 5));
    assertEquals(b, ring.successor(a));
    assertEquals(c, ring.predecessor(a));
  }

  @Test
  void aNodeThatLeftStillHasTheSuccessorsThatWouldFollowIt() {
    Ring withoutB = Ring.of(List.of(a, c, d));
    assertEquals(List.of(c, d), withoutB.successors(b, 2));
  }

  @Test
  void theReplicaSetIsTheOwnerAndItsNextSuccessorsAndShrinksWithTheRing() {
    Ring ring = Ring.of(List.of(a, b, c));
    assertEquals(List.of(b, c), ring.replicaSet(b, 2));
    assertEquals(List.of(c, a), ring.replicaSet(c, 2));
    assertEquals(List.of(a), Ring.of(List.of(a)).replicaSet(a, 2));
    assertNull(Ring.of(List.of(a)).successor(a));
    assertThrows(IllegalArgumentException.class, () -> ring.replicaSet(a, 0));
  }
}
