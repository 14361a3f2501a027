package io.baton.upgrade.internal;

import io.baton.services.NodeServices;
import io.baton.supervision.ChildSpec;
import io.baton.upgrade.GateStatus;
import io.baton.upgrade.GatedVersions;
import io.baton.upgrade.SchemaVersions;
import io.baton.upgrade.SupportedVersions;
import io.baton.upgrade.UpgradeGate;
import io.baton.upgrade.UpgradeSettings;
import io.baton.upgrade.VersionGate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The version gate on one node: publishes this node's {@link SchemaReport} in Distributed Data
 * (an {@code LWWMap} under {@value #KEY_ID}, keyed by member unique address, so a restarted node's
 * old report never speaks for its new jar), and turns the reports of the live members into this
 * node's active versions with {@link VersionGate#decide}, installed in {@link SchemaVersions}.
 *
 * <p>One system actor per node owns all state (the reports, the previous decision, what it last
 * published); it recomputes on every change of the map and every {@code baton.upgrade.gate.interval}
 * (which also picks up membership changes and classes this node got to know since). The installed
 * {@link io.baton.upgrade.ActiveVersions} reads an immutable map through a volatile field.
 */
public final class VersionGateActor {

  private static final Logger LOG = LoggerFactory.getLogger(VersionGateActor.class);

  /** The Distributed Data key of the reports. */
  public static final String KEY_ID = "baton-schema-versions";

  private static final Key<LWWMap<String, SchemaReport>> KEY = LWWMapKey.create(KEY_ID);

  private enum Tick { INSTANCE }

  private final ActorContext<Object> context;
  private final SchemaVersions versions;
  private final UpgradeSettings settings;
  private final SelfUniqueAddress self;
  private final String selfKey;
  private Map<String, SchemaReport> reports = Map.of();
  private Map<String, Integer> active = Map.of();
  private Map<String, Integer> published = null;
  private boolean installedHold;
  private final UpgradeGate gate;

  private VersionGateActor(ActorContext<Object> context, UpgradeSettings settings) {
    this.context = context;
    this.settings = settings;
    this.versions = SchemaVersions.get(context.getSystem());
    this.self = DistributedData.get(context.getSystem()).selfUniqueAddress();
    this.selfKey = key(Cluster.get(context.getSystem()).selfMember());
    this.gate = UpgradeGate.get(context.getSystem());
  }

  /** Starts the gate on a clustered node, unless {@code baton.upgrade.gate.enabled} is off. */
  public static void start(ActorSystem<?> system) {
    UpgradeSettings settings = UpgradeSettings.fromConfig(system.settings().config());
    if (!settings.gateEnabled()) {
      return;
    }
    // Started before the gate's own start, which uses it: a service's start cannot start another
    // service (the tree waits for the first).
    UpgradeGate.get(system);
    NodeServices.get(system).start(ChildSpec.worker("version-gate",
        () -> Behaviors.<Object>setup(context -> Behaviors.withTimers(timers -> {
      VersionGateActor gate = new VersionGateActor(context, settings);
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.gateInterval());
      DistributedData.get(context.getSystem()).replicator().tell(new Replicator.Subscribe<>(
          KEY, context.getSelf().<Replicator.SubscribeResponse<LWWMap<String, SchemaReport>>>narrow()));
      gate.installActive();
      gate.publishIfChanged();
      return gate.behavior();
    }))));
  }

  private static String key(Member member) {
    return member.uniqueAddress().address() + "#" + member.uniqueAddress().longUid();
  }

  private Behavior<Object> behavior() {
    return Behaviors.receive(Object.class)
        .onMessageEquals(Tick.INSTANCE, () -> {
          publishIfChanged();
          recompute();
          return Behaviors.same();
        })
        .onMessage(Replicator.Changed.class, changed -> {
          @SuppressWarnings("unchecked")
          LWWMap<String, SchemaReport> map = (LWWMap<String, SchemaReport>) changed.dataValue();
          reports = Map.copyOf(map.getEntries());
          if (!reports.containsKey(selfKey)) {
            published = null; // lost (never seen by this replica yet): publish again
          }
          recompute();
          return Behaviors.same();
        })
        .onAnyMessage(other -> Behaviors.same()) // update responses: the next tick retries
        .build();
  }

  private void publishIfChanged() {
    Map<String, Integer> known = versions.registry().known();
    if (known.equals(published)) {
      return;
    }
    published = known;
    Map<String, SupportedVersions> supported = new java.util.TreeMap<>();
    known.keySet().forEach(name -> versions.registry().schemaOf(name)
        .ifPresent(schema -> supported.put(name, SupportedVersions.of(schema))));
    SchemaReport report = new SchemaReport(Map.copyOf(known), Map.copyOf(supported));
    DistributedData.get(context.getSystem()).replicator().tell(new Replicator.Update<>(
        KEY, LWWMap.<String, SchemaReport>create(), Replicator.writeLocal(),
        context.getSelf().<Replicator.UpdateResponse<LWWMap<String, SchemaReport>>>narrow(),
        map -> map.put(self, selfKey, report)));
  }

  private void recompute() {
    List<Map<String, Integer>> live = new ArrayList<>();
    Map<String, SchemaReport> byMember = new java.util.TreeMap<>();
    boolean everyReported = true;
    List<String> missing = new ArrayList<>();
    for (Member member : Cluster.get(context.getSystem()).state().getMembers()) {
      if (member.status() == MemberStatus.down() || member.status() == MemberStatus.removed()) {
        continue;
      }
      SchemaReport report = reports.get(key(member));
      if (report == null) {
        everyReported = false;
        missing.add(member.address().toString());
      } else {
        live.add(report.versions());
        byMember.put(member.address().toString(), report);
      }
    }
    boolean held = gate.held();
    Map<String, Integer> next = VersionGate.decide(live, everyReported, active, held);
    if (!next.equals(active)) {
      Map<String, Integer> changed = new HashMap<>(next);
      changed.entrySet().removeIf(e -> e.getValue().equals(active.get(e.getKey())));
      LOG.info("Active schema versions advanced: {}", changed);
      active = Map.copyOf(next);
      installActive();
    } else if (held != installedHold) {
      installActive();
    } else if (!missing.isEmpty()) {
      LOG.debug("Version gate waits for the reports of {}", missing);
    }
    gate.useStatus(status(byMember, missing, held));
  }

  /** What operators see: per class, the active version, the newest, who is behind. */
  private GateStatus status(Map<String, SchemaReport> byMember, List<String> missing,
      boolean held) {
    Map<String, Integer> lowest = VersionGate.lowest(
        byMember.values().stream().map(SchemaReport::versions).toList());
    List<GateStatus.ClassGate> classes = new ArrayList<>();
    for (String name : lowest.keySet()) {
      int newest = 1;
      Map<String, SupportedVersions> members = new HashMap<>();
      for (Map.Entry<String, SchemaReport> entry : byMember.entrySet()) {
        Integer current = entry.getValue().versions().get(name);
        if (current != null) {
          newest = Math.max(newest, current);
          SupportedVersions range = entry.getValue().supported() == null ? null
              : entry.getValue().supported().get(name);
          members.put(entry.getKey(), range != null ? range
              : new SupportedVersions(current, current, current));
        }
      }
      List<String> behind = new ArrayList<>();
      for (Map.Entry<String, SchemaReport> entry : byMember.entrySet()) {
        if (entry.getValue().versions().getOrDefault(name, 1) < newest) {
          behind.add(entry.getKey());
        }
      }
      Integer decided = active.get(name);
      boolean pending = decided == null || newest > decided;
      classes.add(new GateStatus.ClassGate(name, decided, newest, pending, behind, members));
    }
    return new GateStatus(true, held, missing, classes);
  }

  private void installActive() {
    installedHold = gate.held();
    versions.useActiveVersions(
        new GatedVersions(active, installedHold, versions.registry()::schemaOf));
  }
}
