package io.baton.journal;

import io.baton.cluster.testkit.ClusterEventReporter;
import io.baton.cluster.testkit.HarnessLink;
import io.baton.journal.replication.JournalReplication;
import io.baton.journal.store.EventRecord;
import io.baton.journal.store.JournalStore;
import io.baton.runtime.NodeConfig;
import com.typesafe.config.ConfigFactory;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A Baton node running the replicated journal, for the multi-process journal tests. It obeys
 * commands on standard input and reports on standard output, one line each:
 *
 * <ul>
 *   <li>{@code persist <pid> <n>}: n increments of the counter {@code pid}, one after the other;
 *       {@code ACKED <pid> <seqNr>} after each acknowledged persist, {@code PERSIST-DONE <pid>}
 *       at the end, {@code FAILED <pid>} if the counter stopped (a refused write);
 *   <li>{@code get <pid>}: starts the counter (recovering it) and reports {@code STATE <pid>
 *       <events> <total>};
 *   <li>{@code stop <pid>}: stops the counter, reports {@code STOPPED <pid>};
 *   <li>{@code digest <pid>}: {@code DIGEST <pid> <contiguous> <sha-256 of every stored record>};
 *   <li>{@code replicas}: {@code REPLICAS <address,...>}, this node's replica targets now;
 *   <li>{@code integrity}: once the start-up check (and any repair) of the store is done, {@code
 *       INTEGRITY <status>} (e.g. {@code intact}, {@code repaired ...}), or {@code
 *       INTEGRITY-FAILED <error>}.
 * </ul>
 */
public final class JournalNodeMain {

  private JournalNodeMain() {}

  private record Command(String line) {}

  public static void main(String[] args) {
    CompletableFuture<ActorSystem<Command>> started = new CompletableFuture<>();
    HarnessLink.start(line -> started.join().tell(new Command(line)));
    NodeConfig node = NodeConfig.fromArguments(Arrays.asList(args));
    var config = ConfigFactory.parseString("""
        pekko.persistence.journal.plugin = "baton.journal"
        pekko.persistence.snapshot-store.plugin = "baton.snapshot-store"
        pekko.actor.serialization-bindings { "io.baton.journal.Counter$Json" = jackson-json }
        baton.journal.replication.ack-timeout = 5s
        baton.journal.dir = "%s"
        """.formatted(node.dataDir().resolve("journal").toString().replace("\\", "/")));
    ActorSystem<Command> system = ActorSystem.create(guardian(), node.clusterName(),
        node.toPekkoConfig(config.withFallback(ConfigFactory.load())));
    JournalReplication.get(system);
    system.getWhenTerminated().thenRun(() -> {
      HarnessLink.report("TERMINATED");
      Runtime.getRuntime().halt(2);
    });
    HarnessLink.report("STARTED " + JournalReplication.get(system).self());
    started.complete(system);
  }

  private static Behavior<Command> guardian() {
    return Behaviors.setup(context -> {
      context.spawn(ClusterEventReporter.create(), "cluster-event-reporter");
      Map<String, ActorRef<Counter.Command>> counters = new ConcurrentHashMap<>();
      JournalStore store = JournalReplication.get(context.getSystem()).store();
      return Behaviors.receive(Command.class)
          .onMessage(Command.class, command -> {
            String[] words = command.line().trim().split("\\s+");
            try {
              switch (words[0]) {
                case "persist" -> {
                  String pid = words[1];
                  int n = Integer.parseInt(words[2]);
                  ActorRef<Counter.Command> counter = counter(context, counters, pid);
                  context.spawnAnonymous(Behaviors.<Counter.State>setup(driver -> {
                    int[] left = {n};
                    driver.watch(counter);
                    counter.tell(new Counter.Increment(1, driver.getSelf()));
                    return Behaviors.receive(Counter.State.class)
                        .onMessage(Counter.State.class, state -> {
                          HarnessLink.report("ACKED " + pid + " " + state.increments().size());
                          if (--left[0] == 0) {
                            HarnessLink.report("PERSIST-DONE " + pid);
                            return Behaviors.stopped();
                          }
                          counter.tell(new Counter.Increment(1, driver.getSelf()));
                          return Behaviors.same();
                        })
                        .onSignal(Terminated.class, t -> {
                          HarnessLink.report("FAILED " + pid);
                          counters.remove(pid);
                          return Behaviors.stopped();
                        })
                        .build();
                  }));
                }
                case "get" -> {
                  String pid = words[1];
                  ActorRef<Counter.Command> counter = counter(context, counters, pid);
                  context.spawnAnonymous(Behaviors.<Counter.State>setup(reader -> {
                    counter.tell(new Counter.Get(reader.getSelf()));
                    return Behaviors.receive(Counter.State.class)
                        .onMessage(Counter.State.class, state -> {
                          HarnessLink.report("STATE " + pid + " " + state.increments().size()
                              + " " + state.total());
                          return Behaviors.stopped();
                        })
                        .build();
                  }));
                }
                case "stop" -> {
                  ActorRef<Counter.Command> counter = counters.remove(words[1]);
                  if (counter != null) {
                    context.stop(counter);
                  }
                  HarnessLink.report("STOPPED " + words[1]);
                }
                case "digest" -> {
                  String pid = words[1];
                  MessageDigest sha = MessageDigest.getInstance("SHA-256");
                  for (EventRecord record : store.read(pid, 1, Long.MAX_VALUE, Integer.MAX_VALUE)) {
                    sha.update(Long.toString(record.sequenceNr()).getBytes());
                    sha.update(record.payload());
                  }
                  HarnessLink.report("DIGEST " + pid + " " + store.contiguousSequenceNr(pid) + " "
                      + HexFormat.of().formatHex(sha.digest()));
                }
                case "integrity" -> {
                  JournalReplication replication = JournalReplication.get(context.getSystem());
                  replication.integrity().whenComplete((done, failure) -> HarnessLink.report(
                      failure == null ? "INTEGRITY " + replication.status().integrity()
                          : "INTEGRITY-FAILED " + failure));
                }
                case "replicas" -> HarnessLink.report("REPLICAS " + String.join(",",
                    JournalReplication.get(context.getSystem()).replicaTargets().stream()
                        .map(Object::toString).toList()));
                default -> HarnessLink.report("UNKNOWN-COMMAND " + command.line());
              }
            } catch (Exception e) {
              HarnessLink.report("COMMAND-FAILED " + command.line() + ": " + e);
            }
            return Behaviors.same();
          })
          .build();
    });
  }

  private static ActorRef<Counter.Command> counter(
      org.apache.pekko.actor.typed.javadsl.ActorContext<Command> context,
      Map<String, ActorRef<Counter.Command>> counters, String pid) {
    return counters.computeIfAbsent(pid,
        id -> context.spawn(Counter.create(id), "counter-" + id));
  }

}
