package io.baton.samples.supervision;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stands in for the SMTP relay the {@link Notifier} sends mail through: a service outside the
 * supervision tree that the demo can take down and bring back. It outlives every notifier
 * incarnation, as a real relay would. Thread-safe.
 */
final class MailRelay {

  private final String address;
  private final AtomicBoolean reachable = new AtomicBoolean(true);

  MailRelay(String address) {
    this.address = address;
  }

  /**
   * Hands one mail to the relay.
   *
   * @throws UncheckedIOException while the relay is down
   */
  void send(String recipient, String text) {
    if (!reachable.get()) {
      IOException refused = new ConnectException("connection refused by " + address);
      throw new UncheckedIOException("cannot mail " + recipient + ": relay " + address + " is down",
          refused);
    }
  }

  /** From now on every {@link #send} fails, until {@link #recover}. */
  void goDown() {
    reachable.set(false);
  }

  /** From now on {@link #send} succeeds again. */
  void recover() {
    reachable.set(true);
  }
}
