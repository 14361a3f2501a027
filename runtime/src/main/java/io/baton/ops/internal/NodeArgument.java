package io.baton.ops.internal;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;

/**
 * Which member an operator means by the node of {@code /drain/{node}}: its full address
 * ({@code pekko://baton@10.0.0.5:25520}), its address without the protocol ({@code
 * baton@10.0.0.5:25520}), {@code host:port}, or its name ({@code baton.node.name}). A pure
 * function of the argument and the members.
 */
public final class NodeArgument {

  /** The outcome: a member, or why there is none. */
  public sealed interface Resolved permits Member, Unknown, Malformed {}

  /** The argument names this member. */
  public record Member(Address address) implements Resolved {}

  /** A well-formed argument that names no member; the message lists the members. */
  public record Unknown(String message) implements Resolved {}

  /** Not a node argument at all; the message says what is allowed. */
  public record Malformed(String message) implements Resolved {}

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern HOST_PORT = Pattern.compile("([^@/:\\s]+):([0-9]{1,5})");

  private NodeArgument() {}

  /**
   * Resolves {@code argument} against {@code members} (address to name; the name is the address
   * when a member's name is not known).
   */
  public static Resolved resolve(String argument, Map<Address, String> members) {
    String text = argument == null ? "" : argument.strip();
    if (text.isEmpty()) {
      return new Malformed("no node given: name a member by its address (pekko://<cluster>@host:"
          + "port), host:port or node name");
    }
    if (text.contains("://") || text.contains("@")) {
      Address address;
      try {
        address = AddressFromURIString.parse(text.contains("://") ? text : "pekko://" + text);
      } catch (Exception e) {
        // AddressFromURIString throws MalformedURLException (undeclared, from Scala) as well.
        return new Malformed("'" + text + "' is not a node address: write pekko://<cluster>@host:"
            + "port, host:port or a node name");
      }
      return members.containsKey(address) ? new Member(address) : unknown(text, members);
    }
    var hostPort = HOST_PORT.matcher(text);
    if (hostPort.matches()) {
      int port = Integer.parseInt(hostPort.group(2));
      if (port < 1 || port > 65535) {
        return new Malformed("'" + text + "': port " + port + " is out of range 1-65535");
      }
      List<Address> matching = members.keySet().stream()
          .filter(a -> a.host().isDefined() && a.host().get().equals(hostPort.group(1))
              && a.port().isDefined() && ((Integer) a.port().get()) == port)
          .toList();
      return matching.size() == 1 ? new Member(matching.get(0)) : unknown(text, members);
    }
    if (!NAME.matcher(text).matches()) {
      return new Malformed("'" + text + "' is not a node: write pekko://<cluster>@host:port,"
          + " host:port or a node name (letters, digits, '.', '-' and '_')");
    }
    List<Address> named = members.entrySet().stream()
        .filter(e -> e.getValue().equals(text)).map(Map.Entry::getKey).toList();
    if (named.size() > 1) {
      return new Unknown("'" + text + "' names " + named.size() + " members " + named
          + ": give the address instead");
    }
    return named.size() == 1 ? new Member(named.get(0)) : unknown(text, members);
  }

  private static Unknown unknown(String text, Map<Address, String> members) {
    StringBuilder list = new StringBuilder();
    members.entrySet().stream()
        .sorted((a, b) -> a.getKey().toString().compareTo(b.getKey().toString()))
        .forEach(e -> list.append("\n  ").append(e.getKey())
            .append(e.getValue().equals(e.getKey().toString()) ? "" : " (" + e.getValue() + ")"));
    return new Unknown("no member '" + text + "' in the cluster; the members are:" + list);
  }
}
