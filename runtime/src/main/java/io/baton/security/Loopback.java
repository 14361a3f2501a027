package io.baton.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Whether a host is reachable only from this machine: the test behind "plaintext only on loopback". */
public final class Loopback {

  private Loopback() {}

  /**
   * True when every address {@code host} resolves to is a loopback address ({@code 127.0.0.0/8},
   * {@code ::1}); false for any other address, a wildcard ({@code 0.0.0.0}), or a name that does
   * not resolve.
   */
  public static boolean only(String host) {
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
