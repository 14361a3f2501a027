package io.baton.process.internal;

import io.baton.process.Down;
import io.baton.process.ExitReason;
import io.baton.process.ExitSignal;
import io.baton.process.LinkResult;
import io.baton.process.MonitorRef;
import io.baton.process.ProcessExit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * The link, monitor and exit state of one process incarnation: what Erlang keeps in a process's
 * control block.
 *
 * <h2>Ownership and threads</h2>
 * One instance per incarnation, created when the actor starts (restarts make a new actor and so a
 * new instance). Every field is read and written only by the actor's own thread while it processes
 * a message or signal; {@link #current} hands the instance to the {@code Links} API for the
 * duration of that processing, which is why the API must be called from inside the actor.
 *
 * <h2>Lifecycle</h2>
 * {@code created → bound} (at start: context and self known) {@code → exited} (an exit reason is
 * recorded once; links and monitors are told once; nothing is sent after that).
 *
 * <h2>How a peer's death is learned</h2>
 * A Baton peer sends its own {@code Exit}/{@code DownNotice} with the reason before it stops.
 * Pekko's death watch (through the {@link PeerDeathSensor}) is the backstop for peers that could
 * not say: a lost node ({@code addressTerminated} → {@link ExitReason.NodeDown}), a peer that did
 * not exist or was not a Baton process ({@link ExitReason.NoProc}). For a local peer its exit
 * signal is always in this mailbox before the death notice: it was enqueued synchronously before
 * the peer stopped, and the sensor's report is enqueued after. Across nodes Pekko does not order
 * the two, so a remote peer's death notice without its signal waits a short grace period for it.
 */
public final class ProcessState {

  /**
   * The process whose actor runs on this thread, in a one-element slot per thread: entering and
   * leaving are two array writes after one {@code ThreadLocal.get}. (A plain {@code
   * ThreadLocal<ProcessState>} cleared with {@code remove()} after each message made every next
   * message allocate a new weakly referenced map entry: the largest cost of the process layer on
   * the message path, as profiled with JFR.)
   */
  private static final ThreadLocal<ProcessState[]> CURRENT =
      ThreadLocal.withInitial(() -> new ProcessState[1]);
  private static final String GRACE_KEY = "baton.process.remote-exit-signal-grace";

  /**
   * Tells a process's supervisor how its start went. Pekko reports a failure during start as a
   * plain stop once failure logging is off, so the reason must travel separately; it is sent
   * before the process stops, so it always reaches the supervisor before the death notice.
   */
  public interface StartNotice {
    /** The process's setup returned a live behaviour. */
    void started(ActorRef<Object> self);

    /** The process's setup threw; it is about to stop. */
    void failed(ActorRef<Object> self, ExitReason reason);
  }

  private record Monitoring(ActorRef<Object> target, Function<Down, Object> adapter) {}

  private record MonitoredBy(ActorRef<Object> watcher, String id) {}

  private final ActorRef<Object> parent;
  private final StartNotice startNotice;

  private ActorContext<Object> context;
  private ActorRef<Object> self;
  private Function<ExitSignal, Object> trapAdapter;
  private Set<ActorRef<Object>> links = Collections.emptySet();
  private Map<String, Monitoring> monitors = Collections.emptyMap();
  private Set<MonitoredBy> monitoredBy = Collections.emptySet();
  private Set<ActorRef<Object>> awaitingExitSignal = Collections.emptySet();
  /** Links asked with {@link #tryLink} that the peer has not taken yet, with their adapters. */
  private Map<ActorRef<Object>, Function<LinkResult, Object>> unconfirmedLinks =
      Collections.emptyMap();
  private Set<ActorRef<Object>> watched = Collections.emptySet();
  private org.apache.pekko.actor.ActorRef sensor;
  /** Whether the sensor listens for {@code NodeLoss} reports (once a remote peer is watched). */
  private boolean listeningForNodeLoss;
  private ExitReason exitReason;
  private boolean startDeferred;
  private long monitorCounter;

  ProcessState(ActorRef<Object> parent, StartNotice startNotice, Function<ExitSignal, Object> trap) {
    this.parent = parent;
    this.startNotice = startNotice;
    this.trapAdapter = trap;
  }

  /**
   * The state of the process whose actor is running on this thread, checked to belong to {@code
   * context}; fails with a message saying how to make the actor a process if it is not one.
   */
  public static ProcessState current(ActorContext<?> context) {
    ProcessState state = CURRENT.get()[0];
    if (state == null || !state.self.equals(context.getSelf())) {
      throw new IllegalStateException(
          "actor "
              + context.getSelf().path()
              + " is not a Baton process (or the call was made outside its message handling):"
              + " wrap its behaviour with Links.linkable(...) or Links.trappingExits(...), or"
              + " start it as a child of a Baton supervisor, and call Links from inside the actor");
    }
    return state;
  }

  /** The process layer already running this actor's start, if an outer layer wraps it. */
  static ProcessState enclosing(ActorContext<?> context) {
    ProcessState state = CURRENT.get()[0];
    return state != null && state.self.equals(context.getSelf()) ? state : null;
  }

  /** Takes over what an inner, redundant process layer was configured with. */
  void adopt(ProcessState inner) {
    if (trapAdapter == null) {
      trapAdapter = inner.trapAdapter;
    }
  }

  /**
   * This thread's slot for the running process: set it to the process on entering its actor's
   * message or signal handling, and back to what it held on leaving.
   */
  static ProcessState[] currentSlot() {
    return CURRENT.get();
  }

  @SuppressWarnings("unchecked")
  void bind(ActorContext<?> context) {
    this.context = (ActorContext<Object>) context;
    this.self = context.getSelf().unsafeUpcast();
  }

  // ---------------------------------------------------------------- start notice

  /** The supervisor that started this process, or {@code null}. */
  public ActorRef<Object> parent() {
    return parent;
  }

  /** Delays the start notice until {@link #announceStarted}: for processes with a long start. */
  public void deferStartNotice() {
    startDeferred = true;
  }

  /** Tells the supervisor this process has started (the end of OTP's {@code init}). */
  public void announceStarted() {
    if (startNotice != null) {
      startNotice.started(self);
    }
  }

  void startFailed() {
    if (startNotice != null && self != null) {
      startNotice.failed(self, exitReason);
    }
  }

  void startCompleted() {
    if (!startDeferred) {
      announceStarted();
    }
  }

  // ---------------------------------------------------------------- trap exit

  @SuppressWarnings("unchecked")
  public <T> void trapExits(Function<ExitSignal, T> adapter) {
    this.trapAdapter = (Function<ExitSignal, Object>) adapter;
  }

  public void stopTrappingExits() {
    this.trapAdapter = null;
  }

  public boolean isTrappingExits() {
    return trapAdapter != null;
  }

  // ---------------------------------------------------------------- links

  /** Links this process to {@code other} (both sides); linking to itself does nothing. */
  public void link(ActorRef<?> other) {
    ActorRef<Object> peer = other.unsafeUpcast();
    if (peer.equals(self) || exitReason != null) {
      return;
    }
    if (mutableLinks().add(peer)) {
      watch(peer);
      peer.tell(new ProcessSignal.Link(self, false));
    }
  }

  /**
   * Links to {@code other} and answers, once, through {@code adapter}: {@link LinkResult.Linked}
   * when {@code other} took the link, or {@link LinkResult.Failed} (and no link, no exit signal)
   * when it was gone before. Already linked, or linking to itself: {@code Linked} at once.
   */
  @SuppressWarnings("unchecked")
  public <T> void tryLink(ActorRef<?> other, Function<LinkResult, T> adapter) {
    ActorRef<Object> peer = other.unsafeUpcast();
    Function<LinkResult, Object> answer = (Function<LinkResult, Object>) adapter;
    if (exitReason != null) {
      return;
    }
    if (peer.equals(self) || links.contains(peer)) {
      self.tell(answer.apply(new LinkResult.Linked(peer)));
      return;
    }
    mutableLinks().add(peer);
    if (unconfirmedLinks.isEmpty()) {
      unconfirmedLinks = new HashMap<>();
    }
    unconfirmedLinks.put(peer, answer);
    watch(peer);
    peer.tell(new ProcessSignal.Link(self, true));
  }

  /** Removes the link to {@code other} on both sides; no exit signal over it arrives after this. */
  public void unlink(ActorRef<?> other) {
    ActorRef<Object> peer = other.unsafeUpcast();
    unconfirmedLinks.remove(peer);
    if (links.remove(peer)) {
      peer.tell(new ProcessSignal.Unlink(self));
      unwatchIfUnused(peer);
    }
  }

  public Set<ActorRef<?>> links() {
    return Set.copyOf(links);
  }

  // ---------------------------------------------------------------- monitors

  @SuppressWarnings("unchecked")
  public <T> MonitorRef monitor(ActorRef<?> target, Function<Down, T> adapter) {
    ActorRef<Object> peer = target.unsafeUpcast();
    String id = Long.toString(++monitorCounter);
    if (monitors.isEmpty()) {
      monitors = new HashMap<>();
    }
    monitors.put(id, new Monitoring(peer, (Function<Down, Object>) adapter));
    watch(peer);
    peer.tell(new ProcessSignal.Monitor(id, self));
    return new MonitorRef(id);
  }

  /** Drops a monitor; its {@link Down} is not delivered after this. Unknown refs are ignored. */
  public void demonitor(MonitorRef ref) {
    Monitoring removed = monitors.remove(ref.id());
    if (removed != null) {
      removed.target().tell(new ProcessSignal.Demonitor(ref.id(), self));
      unwatchIfUnused(removed.target());
    }
  }

  // ---------------------------------------------------------------- exit

  /** The reason this process exited with, or {@code null} while it lives. */
  public ExitReason exitReason() {
    return exitReason;
  }

  /**
   * Records the exit reason once and tells every link and monitor. Later calls do nothing: the
   * first reason is the one the world sees.
   */
  void exited(ExitReason reason) {
    if (exitReason != null) {
      return;
    }
    // A process that exits with reason kill is seen as kill (OTP): only a kill *signal* received
    // becomes killed, and onExit makes that translation before calling here.
    exitReason = reason;
    if (self == null) {
      return; // failed before it was bound: nobody can have linked yet
    }
    for (ActorRef<Object> peer : links) {
      peer.tell(new ProcessSignal.Exit(self, exitReason, true));
    }
    for (MonitoredBy m : monitoredBy) {
      m.watcher().tell(new ProcessSignal.DownNotice(m.id(), self, exitReason));
    }
    links = Collections.emptySet();
    monitoredBy = Collections.emptySet();
  }

  /**
   * Records {@code reason} as the exit reason of a process that is stopping now (from its
   * behaviour's {@code PostStop}, say), and tells links and monitors; a no-op once an exit reason
   * is recorded. Use it when the stop would otherwise be seen as {@code killed}.
   */
  public void stoppingWith(ExitReason reason) {
    exited(reason);
  }

  /**
   * The reason this process exits with if its behaviour stops while handling the delivery of
   * {@code signal}: an exit signal from its parent (its Baton supervisor, or, without one, the
   * Pekko parent) with a reason other than {@code normal} makes it exit with that reason, as OTP's
   * gen_server exits with its parent's reason; anything else is a {@code normal} stop.
   */
  ExitReason reasonIfStoppedHandling(ProcessSignal signal) {
    if (signal instanceof ProcessSignal.Exit exit && !exit.reason().isNormal() && isParent(exit.from())) {
      return exit.reason();
    }
    return ExitReason.normal();
  }

  private boolean isParent(ActorRef<Object> from) {
    if (parent != null) {
      return parent.equals(from);
    }
    return Adapter.toClassic(context).parent().equals(Adapter.toClassic(from));
  }

  /** Exits with {@code reason} now: records it, tells links and monitors, and throws. */
  ProcessExit die(ExitReason reason) {
    exited(reason);
    return new ProcessExit(exitReason);
  }

  // ---------------------------------------------------------------- signals

  /**
   * Handles one protocol message. Returns the messages to hand to the user's behaviour, in order
   * (an {@link ExitSignal} or {@link Down} adapted to its type), usually none or one. Throws
   * {@link ProcessExit} when the signal kills this process.
   */
  List<Object> onSignal(ProcessSignal signal) {
    if (signal instanceof ProcessSignal.Exit exit) {
      return onExit(exit.from(), exit.reason(), exit.viaLink());
    } else if (signal instanceof ProcessSignal.DownNotice down) {
      return onDown(down.id(), down.target(), down.reason());
    } else if (signal instanceof ProcessSignal.PeerTerminated terminated) {
      return onPeerTerminated(terminated);
    } else if (signal instanceof ProcessSignal.ExitSignalOverdue overdue) {
      return awaitingExitSignal.remove(overdue.peer())
          ? peerGone(overdue.peer(), ExitReason.noProc())
          : List.of();
    } else if (signal instanceof ProcessSignal.Link link) {
      if (exitReason != null) {
        link.from().tell(new ProcessSignal.Exit(self, exitReason, true));
        return List.of();
      }
      if (mutableLinks().add(link.from())) {
        watch(link.from());
      }
      if (link.confirm()) {
        link.from().tell(new ProcessSignal.LinkAccepted(self));
      }
    } else if (signal instanceof ProcessSignal.LinkAccepted accepted) {
      Function<LinkResult, Object> answer = unconfirmedLinks.remove(accepted.from());
      if (answer != null) {
        return List.of(answer.apply(new LinkResult.Linked(accepted.from())));
      }
    } else if (signal instanceof ProcessSignal.Unlink unlink) {
      if (links.remove(unlink.from())) {
        unwatchIfUnused(unlink.from());
      }
    } else if (signal instanceof ProcessSignal.Monitor monitor) {
      if (monitoredBy.isEmpty()) {
        monitoredBy = new HashSet<>();
      }
      monitoredBy.add(new MonitoredBy(monitor.watcher(), monitor.id()));
    } else if (signal instanceof ProcessSignal.Demonitor demonitor) {
      monitoredBy.remove(new MonitoredBy(demonitor.watcher(), demonitor.id()));
    }
    return List.of();
  }

  private List<Object> onExit(ActorRef<Object> from, ExitReason reason, boolean viaLink) {
    if (viaLink && unconfirmedLinks.containsKey(from)) {
      // The peer took the link while exiting: the link was made, then the peer exited.
      List<Object> deliveries = new ArrayList<>(2);
      deliveries.add(unconfirmedLinks.remove(from).apply(new LinkResult.Linked(from)));
      deliveries.addAll(onExit(from, reason, true));
      return deliveries;
    }
    if (viaLink) {
      if (!links.remove(from)) {
        return List.of(); // unlinked meanwhile: the signal no longer applies
      }
      awaitingExitSignal.remove(from);
      unwatchIfUnused(from);
    }
    if (!viaLink && reason instanceof ExitReason.Kill) {
      throw die(ExitReason.killed());
    }
    if (trapAdapter != null) {
      return List.of(trapAdapter.apply(new ExitSignal(from, reason)));
    }
    if (reason.isNormal()) {
      if (!viaLink && from.equals(self)) {
        throw die(reason);
      }
      return List.of();
    }
    throw die(reason);
  }

  private List<Object> onDown(String id, ActorRef<Object> target, ExitReason reason) {
    Monitoring monitoring = monitors.remove(id);
    if (monitoring == null) {
      return List.of();
    }
    awaitingExitSignal.remove(target);
    unwatchIfUnused(target);
    return List.of(monitoring.adapter().apply(new Down(new MonitorRef(id), target, reason)));
  }

  private List<Object> onPeerTerminated(ProcessSignal.PeerTerminated terminated) {
    ActorRef<Object> peer = terminated.peer();
    watched.remove(peer);
    if (!isUsed(peer)) {
      return List.of();
    }
    if (terminated.addressTerminated()) {
      return peerGone(peer, ExitReason.nodeDown(peer.path().address().toString()));
    }
    if (terminated.existenceConfirmed() && !peer.path().address().hasLocalScope()) {
      // A remote Baton peer's own exit signal may still be on its way: wait for it a little.
      if (awaitingExitSignal.isEmpty()) {
        awaitingExitSignal = new HashSet<>();
      }
      awaitingExitSignal.add(peer);
      Duration grace = context.getSystem().settings().config().getDuration(GRACE_KEY);
      context.scheduleOnce(grace, self, new ProcessSignal.ExitSignalOverdue(peer));
      return List.of();
    }
    return peerGone(peer, ExitReason.noProc());
  }

  /** The peer is dead and told no reason: deliver {@code reason} to every link and monitor on it. */
  private List<Object> peerGone(ActorRef<Object> peer, ExitReason reason) {
    List<Object> deliveries = new ArrayList<>(1);
    for (var it = monitors.entrySet().iterator(); it.hasNext(); ) {
      var entry = it.next();
      if (entry.getValue().target().equals(peer)) {
        it.remove();
        deliveries.add(
            entry.getValue().adapter().apply(new Down(new MonitorRef(entry.getKey()), peer, reason)));
      }
    }
    Function<LinkResult, Object> unconfirmed = unconfirmedLinks.remove(peer);
    if (unconfirmed != null) {
      // Gone before it took the link: no link, no exit signal; the caller is told instead.
      links.remove(peer);
      deliveries.add(unconfirmed.apply(new LinkResult.Failed(peer, reason)));
    } else if (links.contains(peer)) {
      deliveries.addAll(onExit(peer, reason, true));
    }
    return deliveries;
  }

  // ---------------------------------------------------------------- death watch

  private Set<ActorRef<Object>> mutableLinks() {
    if (links.isEmpty()) {
      links = new LinkedHashSet<>();
    }
    return links;
  }

  private boolean isUsed(ActorRef<Object> peer) {
    if (links.contains(peer)) {
      return true;
    }
    for (Monitoring m : monitors.values()) {
      if (m.target().equals(peer)) {
        return true;
      }
    }
    return false;
  }

  private void watch(ActorRef<Object> peer) {
    if (watched.isEmpty()) {
      watched = new HashSet<>();
    }
    if (watched.add(peer)) {
      sensor().tell(new PeerDeathSensor.Watch(Adapter.toClassic(peer)), null);
      if (!listeningForNodeLoss && !peer.path().address().hasLocalScope()) {
        listeningForNodeLoss = true;
        PeerDeathSensor.listenForNodeLoss(sensor, Adapter.toClassic(context.getSystem()));
      }
    }
  }

  private void unwatchIfUnused(ActorRef<Object> peer) {
    if (!isUsed(peer) && watched.remove(peer)) {
      sensor().tell(new PeerDeathSensor.Unwatch(Adapter.toClassic(peer)), null);
    }
  }

  private org.apache.pekko.actor.ActorRef sensor() {
    if (sensor == null) {
      sensor = Adapter.actorOf(context, PeerDeathSensor.props(), "baton-peer-death-sensor");
    }
    return sensor;
  }
}
