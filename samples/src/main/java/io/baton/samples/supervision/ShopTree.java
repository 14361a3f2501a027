package io.baton.samples.supervision;

import io.baton.supervision.ChildSpec;
import io.baton.supervision.RestartType;
import io.baton.supervision.Shutdown;
import io.baton.supervision.SupervisorSpec;
import java.time.Duration;
import java.util.List;

/**
 * The demo's supervision tree, an online shop's back end, as specs:
 *
 * <pre>
 * root        one_for_one         ingest, payments, sessions are independent
 *   ingest    worker              reads the order feed
 *   payments  one_for_all         ledger and notifier restart together
 *     ledger    worker            account balances
 *     notifier  worker            mails customers through a relay
 *   sessions  simple_one_for_one  one transient session per logged-in user
 * </pre>
 *
 * Every supervisor allows {@link #INTENSITY} restarts in {@link #PERIOD}; one more and it gives
 * up, stops its children and exits, and its parent deals with that (escalation).
 */
final class ShopTree {

  static final String INGEST = "ingest";
  static final String PAYMENTS = "payments";
  static final String LEDGER = "ledger";
  static final String NOTIFIER = "notifier";
  static final String SESSIONS = "sessions";
  static final String SESSION = "session";

  static final int INTENSITY = 3;
  static final Duration PERIOD = Duration.ofSeconds(10);

  /** Workers hold no resources that need long to release. */
  private static final Shutdown WORKER_SHUTDOWN = Shutdown.timeout(Duration.ofSeconds(1));

  private ShopTree() {}

  /** The root supervisor's spec; every notifier incarnation sends through {@code relay}. */
  static SupervisorSpec root(MailRelay relay) {
    return SupervisorSpec.oneForOne()
        .withIntensity(INTENSITY, PERIOD)
        .withChild(ChildSpec.worker(INGEST, Ingest::create).withShutdown(WORKER_SHUTDOWN))
        .withChild(ChildSpec.supervisor(PAYMENTS, payments(relay)))
        .withChild(ChildSpec.supervisor(SESSIONS, sessions()));
  }

  private static SupervisorSpec payments(MailRelay relay) {
    return SupervisorSpec.oneForAll()
        .withIntensity(INTENSITY, PERIOD)
        .withChild(ChildSpec.worker(LEDGER, Ledger::create).withShutdown(WORKER_SHUTDOWN))
        .withChild(
            ChildSpec.worker(NOTIFIER, () -> Notifier.create(relay)).withShutdown(WORKER_SHUTDOWN));
  }

  private static SupervisorSpec sessions() {
    // Transient: a session that crashes is restarted; one that ends with a logout is not.
    return SupervisorSpec.simpleOneForOne(
            ChildSpec.dynamicWorker(SESSION, String.class, Session::create)
                .withRestart(RestartType.TRANSIENT)
                .withShutdown(WORKER_SHUTDOWN))
        .withIntensity(INTENSITY, PERIOD);
  }

  /** The tree as the demo prints it before it starts. */
  static List<String> picture() {
    String limit = "at most " + INTENSITY + " restarts in " + PERIOD.toSeconds() + "s";
    return List.of(
        "root          one_for_one, " + limit,
        "  ingest      worker: reads the order feed",
        "  payments    one_for_all, " + limit,
        "    ledger    worker: account balances",
        "    notifier  worker: mails customers through a relay",
        "  sessions    simple_one_for_one, " + limit + "; one transient session per user");
  }
}
