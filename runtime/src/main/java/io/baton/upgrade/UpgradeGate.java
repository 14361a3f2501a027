package io.baton.upgrade;

import io.baton.supervision.ChildSpec;
import io.baton.services.NodeServices;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWRegister;
import org.apache.pekko.cluster.ddata.LWWRegisterKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's side of the version gate on one node: the cluster-wide hold, and the gate's
 * status as this node sees it ({@link GateStatus}).
 *
 * <h2>The hold</h2>
 * While held, no active schema version advances anywhere in the cluster (nodes keep writing the
 * versions they write, a class never decided is written at each node's oldest writable version),
 * so that the previous release can still read everything and rolling back stays possible;
 * releasing lets versions advance as soon as every member supports them. The hold is one Pekko
 * Distributed Data {@code LWWRegister<Boolean>}, key {@value #KEY_ID}, set by {@link #hold} and
 * {@link #release} with {@code WriteAll}, as drains are ({@code io.baton.ring.NodeDrain}): when
 * they complete with {@code true} every reachable member holds the change; with {@code false} it
 * holds locally and spreads by gossip. Until anyone set it, each node uses its {@code
 * baton.upgrade.hold} (the initial value). Last writer wins.
 *
 * <h2>Threads</h2>
 * A system actor subscribes to the key and replaces {@code held}, a volatile field; the version
 * gate actor reads it on every recomputation and installs the {@link GateStatus} it computed,
 * another volatile field. Any thread reads both.
 */
public final class UpgradeGate implements Extension {

  private static final Logger LOG = LoggerFactory.getLogger(UpgradeGate.class);

  /** The Distributed Data key of the hold. */
  public static final String KEY_ID = "baton-upgrade-hold";

  private static final Key<LWWRegister<Boolean>> KEY = LWWRegisterKey.create(KEY_ID);

  private static final ExtensionId<UpgradeGate> ID = new ExtensionId<>() {
    @Override
    public UpgradeGate createExtension(ActorSystem<?> system) {
      return new UpgradeGate(system);
    }
  };

  private final ActorSystem<?> system;
  private final UpgradeSettings settings;
  private volatile boolean held;
  private volatile GateStatus status;
  private final boolean clustered;

  private UpgradeGate(ActorSystem<?> system) {
    this.system = system;
    this.settings = UpgradeSettings.fromConfig(system.settings().config());
    this.held = settings.hold();
    this.status = GateStatus.none(settings.gateEnabled(), held);
    this.clustered = system.settings().config().getString("pekko.actor.provider")
        .equals("cluster");
    if (clustered) {
      NodeServices.get(system).start(ChildSpec.worker("upgrade-hold", this::subscriber));
    }
  }

  /** The node's instance. */
  public static UpgradeGate get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** Whether the gate is held, as this node knows it now. */
  public boolean held() {
    return held;
  }

  /** The gate as this node saw it at its last recomputation. */
  public GateStatus status() {
    return status;
  }

  /** Installs the gate's latest view; called by the version gate. */
  public void useStatus(GateStatus status) {
    this.status = Objects.requireNonNull(status, "status");
  }

  /**
   * Holds the gate cluster-wide: no active version advances until {@link #release}. Completes
   * with {@code true} once every reachable member holds the change, {@code false} if some member
   * did not confirm within {@code timeout} (the change still holds and spreads).
   */
  public CompletionStage<Boolean> hold(Duration timeout) {
    LOG.info("Hold of the version gate requested");
    return set(true, timeout);
  }

  /** Releases the hold cluster-wide: versions advance once every member supports them. */
  public CompletionStage<Boolean> release(Duration timeout) {
    LOG.info("Release of the version gate requested");
    return set(false, timeout);
  }

  private CompletionStage<Boolean> set(boolean value, Duration timeout) {
    if (!clustered) {
      held = value;
      return java.util.concurrent.CompletableFuture.completedFuture(true);
    }
    SelfUniqueAddress self = DistributedData.get(system).selfUniqueAddress();
    ActorRef<Replicator.Command> replicator = DistributedData.get(system).replicator();
    return AskPattern.<Replicator.Command, Replicator.UpdateResponse<LWWRegister<Boolean>>>ask(
            replicator,
            replyTo -> new Replicator.Update<>(KEY, LWWRegister.create(self, value),
                new Replicator.WriteAll(timeout), replyTo,
                register -> register.withValue(self, value)),
            timeout.plusSeconds(1),
            system.scheduler())
        .thenApply(response -> {
          if (response instanceof Replicator.UpdateSuccess) {
            held = value; // this node at once; the others by subscription
            return true;
          }
          if (response instanceof Replicator.UpdateTimeout) {
            held = value;
            return false;
          }
          throw new IllegalStateException("The version gate's hold could not be "
              + (value ? "set" : "released") + " (" + response + "): it is unchanged, try again");
        });
  }

  private Behavior<Replicator.SubscribeResponse<LWWRegister<Boolean>>> subscriber() {
    return Behaviors.setup(context -> {
      DistributedData.get(system).replicator().tell(new Replicator.Subscribe<>(KEY, context.getSelf()));
      return Behaviors.receive((Class<Replicator.SubscribeResponse<LWWRegister<Boolean>>>) (Class<?>)
              Replicator.SubscribeResponse.class)
          .onMessage(Replicator.Changed.class, changed -> {
            @SuppressWarnings("unchecked")
            LWWRegister<Boolean> register = (LWWRegister<Boolean>) changed.dataValue();
            boolean value = register.getValue();
            if (value != held) {
              LOG.info("Version gate {}", value ? "held" : "released");
            }
            held = value;
            return Behaviors.same();
          })
          .build();
    });
  }
}
