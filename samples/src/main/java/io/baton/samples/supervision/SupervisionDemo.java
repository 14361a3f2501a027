package io.baton.samples.supervision;

import static io.baton.samples.supervision.ShopTree.INGEST;
import static io.baton.samples.supervision.ShopTree.LEDGER;
import static io.baton.samples.supervision.ShopTree.NOTIFIER;
import static io.baton.samples.supervision.ShopTree.PAYMENTS;
import static io.baton.samples.supervision.ShopTree.SESSIONS;

import io.baton.supervision.ChildInfo;
import io.baton.supervision.Supervisor;
import io.baton.supervision.SupervisorReply;
import io.baton.supervision.SupervisorReport;
import io.baton.supervision.SupervisorReports;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.function.Function;

/**
 * A scripted tour of Baton supervision on a small online shop ({@link ShopTree}): it starts the
 * tree, crashes workers in each way an OTP supervisor handles (one_for_one, one_for_all,
 * simple_one_for_one, escalation past the restart intensity), then stops the tree, printing every
 * {@link SupervisorReport} the moment it is published, between its own narration lines.
 *
 * <p>What a run guarantees:
 *
 * <ul>
 *   <li>Each step waits for the exact reports it expects, in the order expected, within {@link
 *       #STEP_DEADLINE}; it never waits a fixed time. A missing, extra, reordered or late report
 *       ends the run with {@link DemoStepFailed}, so a run that returns has shown every behaviour
 *       it narrates.
 *   <li>The actor system is terminated before {@link #run} returns or throws.
 * </ul>
 */
public final class SupervisionDemo {

  /** How long one step may wait for its reports, or for one answer from an actor. */
  public static final Duration STEP_DEADLINE = Duration.ofSeconds(5);

  private static final Duration TERMINATION_DEADLINE = Duration.ofSeconds(10);
  private static final String RECIPIENT = "bob@example.com";
  private static final int STEPS = 6;

  /**
   * What a successful run saw.
   *
   * @param crashes children that exited abnormally
   * @param restarts children started again by the supervisor they exited from
   * @param escalations supervisors that gave up after exceeding their restart intensity
   * @param stopOrder the children stopped by the final shutdown, in the order they stopped
   */
  public record Result(int crashes, int restarts, int escalations, List<String> stopOrder) {

    public Result {
      stopOrder = List.copyOf(stopOrder);
    }

    /** The closing line of a successful run. */
    public String summary() {
      return "DEMO OK: " + crashes + " crashes, " + restarts + " restarts, " + escalations
          + (escalations == 1 ? " escalation" : " escalations") + ", tree stopped in order";
    }
  }

  private final ActorSystem<SpawnProtocol.Command> system;
  private final PrintStream out;
  private final ReportWatcher watcher;
  private final MailRelay relay = new MailRelay("smtp.shop.example:25");
  private final Map<String, ActorRef<Session.Command>> sessionsByUser = new LinkedHashMap<>();
  private ActorRef<Supervisor.Command> root;
  private int stepNumber;
  private String step = "setup";

  private SupervisionDemo(ActorSystem<SpawnProtocol.Command> system, PrintStream out) {
    this.system = system;
    this.out = out;
    this.watcher = new ReportWatcher(out);
  }

  /**
   * Runs the demo in a new actor system, printing to {@code out}, and ends with the summary line.
   *
   * @throws DemoStepFailed when a step does not see what it expects in time
   */
  public static Result run(PrintStream out) throws DemoStepFailed {
    ActorSystem<SpawnProtocol.Command> system =
        ActorSystem.create(SpawnProtocol.create(), "baton-supervision-demo");
    try {
      Result result = new SupervisionDemo(system, out).script();
      out.println(result.summary());
      return result;
    } finally {
      terminate(system, out);
    }
  }

  private Result script() throws DemoStepFailed {
    out.println("Baton supervision demo: an online shop's supervision tree on Pekko typed");
    ShopTree.picture().forEach(line -> out.println("  " + line));
    watchReports();
    startTree();
    crashIngest();
    crashLedger();
    crashSession();
    escalateFromPayments();
    List<String> stopOrder = stopTree();
    return tally(watcher.history(), stopOrder);
  }

  // ------------------------------------------------------------------ the steps

  private void startTree() throws DemoStepFailed {
    begin("start", "children start one at a time, in spec order; then alice, bob and carol log in");
    root = spawn(Supervisor.create(ShopTree.root(relay)), "root");
    expect(
        "root: ingest started #1",
        "root/payments: ledger started #1",
        "root/payments: notifier started #1",
        "root: payments started #1",
        "root: sessions started #1");
    ActorRef<Supervisor.Command> sessions = runningChild(root, SESSIONS, Supervisor.Command.class);
    for (String user : List.of("alice", "bob", "carol")) {
      SupervisorReply reply =
          ask(sessions, replyTo -> new Supervisor.StartDynamicChild(user, replyTo),
              "starting " + user + "'s session");
      if (!(reply instanceof SupervisorReply.Started started)) {
        throw new DemoStepFailed(
            "step " + step + ": sessions did not start " + user + "'s session: " + reply);
      }
      sessionsByUser.put(user, started.child().unsafeUpcast());
      expect("root/sessions: session started #1");
    }
    ok("tree started in order: ingest, payments [ledger, notifier], sessions;"
        + " sessions of alice, bob and carol running");
  }

  private void crashIngest() throws DemoStepFailed {
    begin("one_for_one", "ingest reads a malformed feed line and crashes");
    ActorRef<Ingest.Command> ingest = runningChild(root, INGEST, Ingest.Command.class);
    ingest.tell(new Ingest.Line("acct-7,120"));
    ingest.tell(new Ingest.Line("acct-9,45"));
    int acceptedBefore = ask(ingest, Ingest.CountAccepted::new, "counting ingest's lines");
    ingest.tell(new Ingest.Line("acct-3,twelve"));
    expect("root: ingest crashed", "root: ingest started #2");
    ActorRef<Ingest.Command> restarted = runningChild(root, INGEST, Ingest.Command.class);
    int acceptedAfter = ask(restarted, Ingest.CountAccepted::new, "counting ingest's lines");
    ok("one_for_one: root restarted ingest alone (the old ingest had accepted " + acceptedBefore
        + " lines, the new one " + acceptedAfter + ")");
  }

  private void crashLedger() throws DemoStepFailed {
    begin("one_for_all", "a debit would overdraw acct-7, so the ledger crashes");
    ActorRef<Supervisor.Command> payments = runningChild(root, PAYMENTS, Supervisor.Command.class);
    ActorRef<Ledger.Command> ledger = runningChild(payments, LEDGER, Ledger.Command.class);
    ledger.tell(new Ledger.Credit("acct-7", 120));
    Map<String, Long> before = ask(ledger, Ledger.GetBalances::new, "reading the balances");
    ledger.tell(new Ledger.Debit("acct-7", 500));
    expect(
        "root/payments: ledger crashed",
        "root/payments: notifier stopped",
        "root/payments: ledger started #2",
        "root/payments: notifier started #2");
    ActorRef<Ledger.Command> restarted = runningChild(payments, LEDGER, Ledger.Command.class);
    Map<String, Long> after = ask(restarted, Ledger.GetBalances::new, "reading the balances");
    ok("one_for_all: payments restarted ledger and notifier together (balances before the crash "
        + before + ", after " + after + ": a restart begins from a fresh state)");
  }

  private void crashSession() throws DemoStepFailed {
    begin("simple_one_for_one", "bob removes more mugs than his cart holds; his session crashes");
    ActorRef<Supervisor.Command> sessions = runningChild(root, SESSIONS, Supervisor.Command.class);
    ActorRef<Session.Command> bob = sessionsByUser.get("bob");
    bob.tell(new Session.AddToCart("mug", 2));
    bob.tell(new Session.RemoveFromCart("mug", 3));
    expect("root/sessions: session crashed", "root/sessions: session started #2");
    List<ActorRef<?>> running = new ArrayList<>();
    for (ChildInfo child : whichChildren(sessions)) {
      running.add(child.child());
    }
    if (running.size() != 3
        || !running.contains(sessionsByUser.get("alice"))
        || !running.contains(sessionsByUser.get("carol"))
        || running.contains(bob)) {
      throw new DemoStepFailed(
          "step " + step + ": expected alice's and carol's sessions untouched and bob's replaced,"
              + " but sessions runs " + running + " (before: " + sessionsByUser.values() + ")");
    }
    ok("simple_one_for_one: sessions restarted bob's session alone;"
        + " alice's and carol's kept running");
  }

  private void escalateFromPayments() throws DemoStepFailed {
    begin("escalation", "the mail relay goes down, so every mail crashes the notifier; payments"
        + " allows " + ShopTree.INTENSITY + " restarts in " + ReportWatcher.readable(ShopTree.PERIOD)
        + " and has used 1");
    relay.goDown();
    ActorRef<Supervisor.Command> payments = runningChild(root, PAYMENTS, Supervisor.Command.class);
    // The window holds INTENSITY restarts and the ledger's crash used one, so the notifier's
    // INTENSITY-th crash asks for restart number INTENSITY + 1: one too many.
    int crashes = ShopTree.INTENSITY;
    for (int crash = 1; crash <= crashes; crash++) {
      ActorRef<Notifier.Command> notifier =
          runningChild(payments, NOTIFIER, Notifier.Command.class);
      notifier.tell(new Notifier.Notify(RECIPIENT, "your order shipped", system.ignoreRef()));
      if (crash < crashes) {
        int incarnation = crash + 2; // the ledger's crash made incarnation 2
        expect(
            "root/payments: notifier crashed",
            "root/payments: ledger stopped",
            "root/payments: ledger started #" + incarnation,
            "root/payments: notifier started #" + incarnation);
      }
    }
    expect(
        "root/payments: notifier crashed",
        "root/payments: max restart intensity reached",
        "root/payments: ledger stopped",
        "root/payments: supervisor exited shutdown",
        "root: payments exited shutdown",
        "root/payments: ledger started #1",
        "root/payments: notifier started #1",
        "root: payments started #2");
    relay.recover();
    ActorRef<Supervisor.Command> newPayments =
        runningChild(root, PAYMENTS, Supervisor.Command.class);
    ActorRef<Notifier.Command> notifier =
        runningChild(newPayments, NOTIFIER, Notifier.Command.class);
    Notifier.Delivered delivered =
        ask(notifier, replyTo -> new Notifier.Notify(RECIPIENT, "your order shipped", replyTo),
            "mailing " + RECIPIENT);
    ok("escalation: payments exceeded " + ShopTree.INTENSITY + " restarts in "
        + ReportWatcher.readable(ShopTree.PERIOD) + " and exited; root restarted the payments"
        + " sub-tree, which mailed " + delivered.recipient() + " once the relay was back");
  }

  private List<String> stopTree() throws DemoStepFailed {
    begin("shutdown", "root stops its children in reverse start order;"
        + " each sub-supervisor stops its own children first");
    SupervisorReply reply = ask(root, Supervisor.Stop::new, "stopping root");
    if (!(reply instanceof SupervisorReply.Ok)) {
      throw new DemoStepFailed("step " + step + ": root answered " + reply + " to Stop");
    }
    List<SupervisorReport> reports =
        expect(
            "root/sessions: session stopped",
            "root/sessions: session stopped",
            "root/sessions: session stopped",
            "root/sessions: supervisor exited shutdown",
            "root: sessions stopped",
            "root/payments: notifier stopped",
            "root/payments: ledger stopped",
            "root/payments: supervisor exited shutdown",
            "root: payments stopped",
            "root: ingest stopped",
            "root: supervisor exited normal");
    List<String> stopOrder = new ArrayList<>();
    for (SupervisorReport report : reports) {
      if (report instanceof SupervisorReport.ChildStopped stopped) {
        stopOrder.add(stopped.childId());
      }
    }
    ok("shutdown in reverse order: sessions (3 sessions, in parallel), payments (notifier, ledger),"
        + " ingest; root exited normal");
    return stopOrder;
  }

  // ------------------------------------------------------------------ how the steps talk

  private void begin(String name, String narration) {
    step = (++stepNumber) + "/" + STEPS + " " + name;
    out.println();
    out.println("[" + step + "] " + narration);
  }

  private void ok(String line) {
    out.println("OK " + line);
  }

  private List<SupervisorReport> expect(String... keys) throws DemoStepFailed {
    return watcher.expect(step, STEP_DEADLINE, List.of(keys));
  }

  /**
   * Spawns the report watcher and subscribes it before anything else runs, so that it sees the
   * tree's first report: {@link SupervisorReports#subscribe} takes effect before it returns.
   */
  private void watchReports() throws DemoStepFailed {
    ActorRef<SupervisorReport> ref = spawn(watcher.behavior(), "supervisor-reports");
    SupervisorReports.subscribe(system, ref);
  }

  private <T> ActorRef<T> spawn(Behavior<T> behavior, String name) throws DemoStepFailed {
    return ask(system, replyTo -> new SpawnProtocol.Spawn<>(behavior, name, Props.empty(), replyTo),
        "spawning " + name);
  }

  /** The running child {@code id} of {@code supervisor}, narrowed to its message type. */
  private <T> ActorRef<T> runningChild(
      ActorRef<Supervisor.Command> supervisor, String id, Class<T> messageType)
      throws DemoStepFailed {
    List<ChildInfo> children = whichChildren(supervisor);
    for (ChildInfo child : children) {
      if (child.id().equals(id) && child.status() == ChildInfo.Status.RUNNING) {
        return child.childAs(messageType);
      }
    }
    throw new DemoStepFailed(
        "step " + step + ": " + ReportWatcher.treePath(supervisor) + " has no running child '" + id
            + "'; its children are " + children);
  }

  private List<ChildInfo> whichChildren(ActorRef<Supervisor.Command> supervisor)
      throws DemoStepFailed {
    return ask(supervisor, Supervisor.WhichChildren::new,
        "listing the children of " + ReportWatcher.treePath(supervisor));
  }

  /** Asks {@code target} and waits at most {@link #STEP_DEADLINE} for the answer. */
  private <Q, R> R ask(
      RecipientRef<Q> target, Function<ActorRef<R>, Q> request, String doingWhat)
      throws DemoStepFailed {
    try {
      return AskPattern.ask(target, request, STEP_DEADLINE, system.scheduler())
          .toCompletableFuture()
          .get();
    } catch (ExecutionException e) {
      throw new DemoStepFailed(
          "step " + step + ": no answer " + doingWhat + " within " + STEP_DEADLINE.toMillis()
              + " ms", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DemoStepFailed("step " + step + " was interrupted " + doingWhat, e);
    }
  }

  // ------------------------------------------------------------------ results

  static Result tally(List<SupervisorReport> reports, List<String> stopOrder) {
    int crashes = 0;
    int restarts = 0;
    int escalations = 0;
    for (SupervisorReport report : reports) {
      if (report instanceof SupervisorReport.ChildExited exited
          && ReportWatcher.isCrash(exited.reason())) {
        crashes++;
      } else if (report instanceof SupervisorReport.ChildStarted started
          && started.incarnation() > 1) {
        restarts++;
      } else if (report instanceof SupervisorReport.MaxIntensityReached) {
        escalations++;
      }
    }
    return new Result(crashes, restarts, escalations, stopOrder);
  }

  /** Terminates the system and waits for it; says so if it does not end in time. */
  private static void terminate(ActorSystem<?> system, PrintStream out) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture()
          .get(TERMINATION_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      out.println("WARNING: the actor system did not terminate within "
          + TERMINATION_DEADLINE.toMillis() + " ms");
    } catch (ExecutionException e) {
      out.println("WARNING: the actor system failed while terminating: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
