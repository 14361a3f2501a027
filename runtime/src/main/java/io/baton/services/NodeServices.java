package io.baton.services;

import com.typesafe.config.Config;
import io.baton.supervision.ChildSpec;
import io.baton.supervision.Supervisor;
import io.baton.supervision.SupervisorReply;
import io.baton.supervision.SupervisorReport;
import io.baton.supervision.SupervisorReports;
import io.baton.supervision.SupervisorSpec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's own services (the journal's replica endpoint, the death detector, the load meter,
 * the version gate, ...) as one Baton supervision tree, rooted at {@code /system/baton-node}.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>each service is a child started with {@link #start}, which returns once it runs (OTP's
 *       {@code supervisor:start_child}); the tree's children are in the order they started;
 *   <li>a service that fails is restarted by its supervisor per OTP's rules (the root is
 *       one_for_one; a service of several actors is a child supervisor of its own, rest_for_one
 *       where a later actor needs an earlier one), each step a {@link SupervisorReport} that
 *       {@link #status} shows;
 *   <li>a service keeps its path across restarts ({@link #path}), so other nodes address it there
 *       whatever incarnation runs;
 *   <li>on coordinated shutdown the tree stops its services in reverse start order, in phase
 *       {@code before-actor-system-terminate}: after the node has left the cluster, so that peers
 *       replicate to it until then;
 *   <li>if the tree gives up (more restarts than {@code baton.node.services.intensity} within
 *       {@code period}) the node stops, with exit status 1, rather than serve without one of its
 *       services: as an OTP node whose permanent application's top supervisor exits.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class NodeServices implements Extension {

  private static final Logger LOG = LoggerFactory.getLogger(NodeServices.class);

  /** The name of the tree's root, a system actor. */
  public static final String ROOT = "baton-node";
  /** The path under which every service runs: a service's path is this, "/", its place. */
  public static final String TREE_PATH = "/system/baton-tree-" + ROOT;
  /** The configuration of the tree. */
  public static final String PATH = "baton.node.services";
  /** The coordinated-shutdown phase the tree stops in. */
  public static final String SHUTDOWN_PHASE = CoordinatedShutdown.PhaseBeforeActorSystemTerminate();

  /** Why the node stopped: its service tree gave up. */
  public static final CoordinatedShutdown.Reason SERVICES_FAILED = new ServicesFailed();

  private static final class ServicesFailed implements CoordinatedShutdown.Reason {
    @Override
    public String toString() {
      return "NodeServicesFailed";
    }
  }

  /** The extension id. */
  public static final class Id extends AbstractExtensionId<NodeServices> {
    @Override
    public NodeServices createExtension(ExtendedActorSystem system) {
      return new NodeServices(system);
    }
  }

  private static final Id ID = new Id();

  public static NodeServices get(ActorSystem<?> system) {
    return ID.get(Adapter.toClassic(system));
  }

  public static NodeServices get(org.apache.pekko.actor.ActorSystem system) {
    return ID.get(system);
  }

  private final ActorSystem<Void> system;
  private final ActorRef<Supervisor.Command> root;
  private final Duration startTimeout;
  private final int history;
  private final int intensity;
  private final Duration period;
  /** Guarded by itself. */
  private final Map<String, ServicesStatus.Service> services = new LinkedHashMap<>();
  /** Guarded by {@link #services}. */
  private final ArrayDeque<String> reports = new ArrayDeque<>();

  private NodeServices(ExtendedActorSystem classic) {
    this.system = Adapter.toTyped(classic);
    Config config = classic.settings().config().getConfig(PATH);
    this.intensity = config.getInt("intensity");
    this.period = config.getDuration("period");
    this.startTimeout = config.getDuration("start-timeout");
    this.history = config.getInt("report-history");
    if (intensity < 0 || period.isNegative() || period.isZero() || history < 0
        || startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException(PATH + ": intensity and report-history must be 0 or"
          + " more, period and start-timeout positive; were " + intensity + ", " + history + ", "
          + period + ", " + startTimeout);
    }
    // Subscribed before the tree exists, so that no report of it is missed.
    ActorRef<Object> watch = system.systemActorOf(watcher(), "baton-node-services-watch",
        Props.empty());
    this.root = system.systemActorOf(Supervisor.create(SupervisorSpec.oneForOne()
            .withIntensity(intensity, period).withShutdownPhase(SHUTDOWN_PHASE)),
        ROOT, Props.empty());
    watch.tell(new WatchRoot(root));
  }

  /**
   * Starts {@code child} as a service of the node, after those already started, and returns its
   * ref once it runs. Throws {@link IllegalStateException} saying why if it did not start (its
   * start failed, an id already in use, no answer within {@code start-timeout}).
   *
   * <p>Not from a service's own start (its behaviour's setup): the tree waits for that start to
   * finish before it takes the next command, as OTP's {@code start_child} from a child's {@code
   * init} would; create what a service's start needs before starting it.
   */
  public ActorRef<?> start(ChildSpec child) {
    CompletionStage<SupervisorReply> reply = AskPattern.ask(root,
        (ActorRef<SupervisorReply> replyTo) -> new Supervisor.StartChild(child, replyTo),
        startTimeout, system.scheduler());
    SupervisorReply answer;
    try {
      answer = reply.toCompletableFuture().get(startTimeout.toMillis() + 1000,
          TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("node service '" + child.id() + "' did not start within "
          + startTimeout + " (" + PATH + ".start-timeout; or it was started from another"
          + " service's start, which the tree waits for): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting node service " + child.id(), e);
    }
    if (answer instanceof SupervisorReply.Started started) {
      return started.child();
    }
    throw new IllegalStateException("node service '" + child.id() + "' did not start: " + answer);
  }

  /** The tree's root, to ask it (which children, counts) like any Baton supervisor. */
  public ActorRef<Supervisor.Command> root() {
    return root;
  }

  /**
   * The path of a node service, without an address: {@code path("journal", "replica-endpoint")}
   * is {@code /system/baton-tree-baton-node/journal/replica-endpoint}. Prefix a member's address
   * to address the service on that member.
   */
  public static String path(String... place) {
    return TREE_PATH + "/" + String.join("/", place);
  }

  /** Every service that has started and the tree's latest reports. */
  public ServicesStatus status() {
    synchronized (services) {
      return new ServicesStatus(List.copyOf(services.values()), List.copyOf(reports));
    }
  }

  private record WatchRoot(ActorRef<Supervisor.Command> root) {}

  private Behavior<Object> watcher() {
    return Behaviors.setup(context -> {
      SupervisorReports.subscribe(context.getSystem(),
          context.getSelf().<SupervisorReport>narrow());
      return Behaviors.receive(Object.class)
          .onMessage(WatchRoot.class, watch -> {
            context.watch(watch.root());
            return Behaviors.same();
          })
          .onMessage(SupervisorReport.class, report -> {
            record(report);
            return Behaviors.same();
          })
          .onSignal(Terminated.class, terminated -> {
            if (!CoordinatedShutdown.get(context.getSystem()).getShutdownReason().isPresent()) {
              LOG.error("the node's service tree gave up (more than {} restarts within {}, {}): the"
                  + " node stops; its supervisor (systemd, Kubernetes) starts it again. Reports:"
                  + " {}", intensity, period, PATH + ".intensity/period", status().reports());
              CoordinatedShutdown.get(context.getSystem()).runAll(SERVICES_FAILED);
            }
            return Behaviors.stopped();
          })
          .build();
    });
  }

  /** The place of a report's child in the node's tree, or null for a report of another tree. */
  private static String place(SupervisorReport report, String childId) {
    String supervisor = report.supervisor().path().toStringWithoutAddress();
    if (supervisor.equals("/system/" + ROOT)) {
      return childId;
    }
    if (supervisor.startsWith(TREE_PATH + "/")) {
      String sub = supervisor.substring(TREE_PATH.length() + 1);
      return childId.isEmpty() ? sub : sub + "/" + childId;
    }
    return null;
  }

  private void record(SupervisorReport report) {
    String childId = childId(report);
    String place = place(report, childId == null ? "" : childId);
    if (place == null) {
      return;
    }
    synchronized (services) {
      ServicesStatus.Service was = services.get(place);
      int starts = was == null ? 0 : was.starts();
      if (report instanceof SupervisorReport.ChildStarted started) {
        services.put(place, new ServicesStatus.Service(place, "running", started.incarnation(),
            was == null ? null : was.lastExit()));
      } else if (report instanceof SupervisorReport.ChildExited exited) {
        services.put(place, new ServicesStatus.Service(place, "exited", starts,
            String.valueOf(exited.reason())));
      } else if (report instanceof SupervisorReport.ChildStopped stopped) {
        services.put(place, new ServicesStatus.Service(place, "stopped", starts,
            String.valueOf(stopped.reason())));
      }
      reports.addLast((place.isEmpty() ? "node services" : place) + ": " + describe(report));
      while (reports.size() > history) {
        reports.removeFirst();
      }
    }
  }

  private static String childId(SupervisorReport report) {
    if (report instanceof SupervisorReport.ChildStarted r) {
      return r.childId();
    } else if (report instanceof SupervisorReport.ChildExited r) {
      return r.childId();
    } else if (report instanceof SupervisorReport.ChildStopped r) {
      return r.childId();
    } else if (report instanceof SupervisorReport.ShutdownError r) {
      return r.childId();
    } else if (report instanceof SupervisorReport.StartError r) {
      return r.childId();
    } else if (report instanceof SupervisorReport.AutoShutdownTriggered r) {
      return r.childId();
    }
    return null;
  }

  private static String describe(SupervisorReport report) {
    if (report instanceof SupervisorReport.ChildStarted r) {
      return "started (start " + r.incarnation() + ")";
    } else if (report instanceof SupervisorReport.ChildExited r) {
      return "exited: " + r.reason();
    } else if (report instanceof SupervisorReport.ChildStopped r) {
      return "stopped: " + r.reason();
    } else if (report instanceof SupervisorReport.ShutdownError r) {
      return "shutdown error: " + r.reason();
    } else if (report instanceof SupervisorReport.StartError r) {
      return "start error: " + r.reason();
    } else if (report instanceof SupervisorReport.MaxIntensityReached r) {
      return "gave up: more than " + r.intensity() + " restarts within " + r.period();
    } else if (report instanceof SupervisorReport.SupervisorExited r) {
      return "supervisor exited: " + r.reason();
    }
    return report.toString();
  }
}
