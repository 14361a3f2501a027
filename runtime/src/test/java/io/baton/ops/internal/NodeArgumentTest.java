package io.baton.ops.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which member an operator's node argument names. */
@Timeout(10)
class NodeArgumentTest {

  private static final Address A = AddressFromURIString.parse("pekko://baton@10.0.0.1:25520");
  private static final Address B = AddressFromURIString.parse("pekko://baton@10.0.0.2:25520");
  private static final Address B2 = AddressFromURIString.parse("pekko://baton@10.0.0.2:25521");
  private static final Map<Address, String> MEMBERS =
      Map.of(A, "node1", B, "node2", B2, B2.toString());

  private static Address member(String argument) {
    return assertInstanceOf(NodeArgument.Member.class, NodeArgument.resolve(argument, MEMBERS))
        .address();
  }

  /** A member is named by its address, its address without protocol, host:port or its name. */
  @Test
  void everyFormNamesTheSameMember() {
    assertEquals(B, member("pekko://baton@10.0.0.2:25520"));
    assertEquals(B, member("baton@10.0.0.2:25520"));
    assertEquals(B, member("10.0.0.2:25520"));
    assertEquals(B, member("node2"));
    assertEquals(B2, member(" 10.0.0.2:25521 "));
    assertEquals(A, member("node1"));
  }

  /** An argument that fits no member is unknown, and the answer lists the members and names. */
  @Test
  void unknownNodesListTheMembers() {
    for (String argument : new String[] {"node9", "10.0.0.9:25520", "pekko://baton@10.0.0.9:1",
        "pekko://other@10.0.0.1:25520"}) {
      NodeArgument.Unknown unknown = assertInstanceOf(NodeArgument.Unknown.class,
          NodeArgument.resolve(argument, MEMBERS), argument);
      assertTrue(unknown.message().contains("'" + argument + "'"), unknown.message());
      assertTrue(unknown.message().contains(A + " (node1)"), unknown.message());
      assertTrue(unknown.message().contains(B + " (node2)"), unknown.message());
      assertTrue(unknown.message().contains(B2.toString()), unknown.message());
    }
  }

  /** What is not a node at all is malformed, with what is allowed. */
  @Test
  void malformedArgumentsSayWhatIsAllowed() {
    for (String argument : new String[] {"", "  ", "no such!", "pekko://baton@", "h:99999"}) {
      NodeArgument.Malformed malformed = assertInstanceOf(NodeArgument.Malformed.class,
          NodeArgument.resolve(argument, MEMBERS), "'" + argument + "'");
      assertTrue(malformed.message().contains("host:port") || malformed.message().contains("range"),
          malformed.message());
    }
  }

  /** Two members with one name: the operator must give the address. */
  @Test
  void anAmbiguousNameIsRefused() {
    NodeArgument.Unknown unknown = assertInstanceOf(NodeArgument.Unknown.class,
        NodeArgument.resolve("twin", Map.of(A, "twin", B, "twin")));
    assertTrue(unknown.message().contains("give the address"), unknown.message());
  }
}
