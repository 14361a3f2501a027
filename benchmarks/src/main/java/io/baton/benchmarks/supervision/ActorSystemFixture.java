package io.baton.benchmarks.supervision;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.LoggerFactory;

/**
 * One actor system per benchmark trial, with Pekko's default dispatcher and mailbox settings, and
 * the means to spawn and ask into it from the benchmark thread.
 *
 * <p>The only settings changed from Pekko's defaults route Pekko's own logging through SLF4J, so
 * that {@code logback.xml} governs every log line of the run. Both sides of every comparison run
 * on a system made here.
 */
final class ActorSystemFixture implements AutoCloseable {

  static {
    // Initialise logging before any actor system logs from its own threads; otherwise SLF4J
    // intercepts those first calls and prints a "replayed" warning into the benchmark output.
    LoggerFactory.getILoggerFactory();
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static final Config CONFIG =
      ConfigFactory.parseString(
              """
              pekko {
                loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
                logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
                loglevel = WARNING
                stdout-loglevel = WARNING
              }
              """)
          .withFallback(ConfigFactory.load());

  private final ActorSystem<SpawnProtocol.Command> system;

  private ActorSystemFixture(String name) {
    this.system = ActorSystem.create(SpawnProtocol.create(), name, CONFIG);
  }

  static ActorSystemFixture start(String name) {
    return new ActorSystemFixture(name);
  }

  /** Spawns a top-level actor and waits until it exists. */
  <T> ActorRef<T> spawn(Behavior<T> behavior, String name) {
    return ask(
        system, replyTo -> new SpawnProtocol.Spawn<>(behavior, name, Props.empty(), replyTo));
  }

  /** Asks {@code target} and waits for the answer. */
  <Req, Res> Res ask(ActorRef<Req> target, Function<ActorRef<Res>, Req> request) {
    try {
      return AskPattern.<Req, Res>ask(target, request::apply, TIMEOUT, system.scheduler())
          .toCompletableFuture()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking " + target.path(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "no answer from " + target.path() + " within " + TIMEOUT + "; the benchmark's set-up"
              + " is broken, see the log above",
          e);
    }
  }

  /** Terminates the system and waits for it to finish. */
  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "actor system " + system.name() + " did not terminate within " + TIMEOUT, e);
    }
  }
}
