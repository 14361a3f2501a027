package io.baton.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The open loop against stub entry points that can stall: starts do not wait for answers,
 * latency counts from the intended start, every outcome is a complete history line, and resolve
 * finds out the fate of given-up requests.
 */
@Timeout(60)
class OpenLoopGeneratorTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private StubEntryPoint a;
  private StubEntryPoint b;
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<OpenLoopGenerator> generators = new ArrayList<>();

  @BeforeEach
  void startStubs() throws Exception {
    a = StubEntryPoint.start();
    b = StubEntryPoint.start();
  }

  @AfterEach
  void stopAll() {
    release.countDown();
    generators.forEach(OpenLoopGenerator::close);
    a.close();
    b.close();
  }

  /**
   * While every entry point holds every request unanswered, the generator keeps sending new ones
   * at its rate: a closed loop would have sent one per client and waited.
   */
  @Test
  void theGeneratorKeepsStartingRequestsAtTheFixedRateWhileTheServerStalls() throws Exception {
    StubEntryPoint.Behaviour stall = (request, stub) -> {
      release.await();
      return stub.apply(request);
    };
    a.behave(stall);
    b.behave(stall);
    OpenLoopGenerator load = generator(AttemptPolicy.defaults()
        .withGiveUp(Duration.ofSeconds(20)).withAttemptTimeout(Duration.ofSeconds(20)), null);
    ConcurrentLinkedQueue<RequestOutcome> outcomes = new ConcurrentLinkedQueue<>();
    load.start("stall", List.of(stream("deposits", 50)), outcomes::add);

    awaitTrue(() -> received() >= 40, "40 requests reach the stalled entry points");
    assertEquals(0, outcomes.size(), "not one was answered while the entry points stalled");
    Set<String> keys = new HashSet<>();
    a.received().forEach(r -> keys.add(r.key()));
    b.received().forEach(r -> keys.add(r.key()));
    assertEquals(received(), keys.size(), "each a new request, none a retry");
    assertTrue(Math.abs(a.received().size() - b.received().size()) <= 2,
        "first targets alternate: " + a.received().size() + " / " + b.received().size());

    release.countDown();
    LoadSummary summary = load.stop();
    assertEquals(summary.offered(), summary.count(Outcome.OK), summary.format());
    assertEquals(summary.offered(), outcomes.size());
    assertEquals(0, summary.retried(), summary.format());
  }

  /**
   * A request meant to start during a 2 s stall counts the stall from its intended start: its
   * latency is at least the rest of the stall, so the first one's is close to 2 s, not ~0.
   */
  @Test
  void latencyOfRequestsIssuedDuringAStallCountsFromTheirIntendedStart() throws Exception {
    OpenLoopGenerator load = generator(AttemptPolicy.defaults()
        .withAttemptTimeout(Duration.ofSeconds(8)).withGiveUp(Duration.ofSeconds(10)), null);
    ConcurrentLinkedQueue<RequestOutcome> outcomes = new ConcurrentLinkedQueue<>();
    load.start("before", List.of(stream("deposits", 25)), outcomes::add);
    awaitTrue(() -> outcomes.size() >= 10, "10 requests answered before the stall");

    CompletableFuture<Long> released = new CompletableFuture<>();
    long stallStart = System.nanoTime();
    StubEntryPoint.Behaviour stall = (request, stub) -> {
      long releaseAt = stallStart + TimeUnit.SECONDS.toNanos(2);
      long wait;
      while ((wait = releaseAt - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      released.complete(releaseAt);
      return stub.apply(request);
    };
    a.behave(stall);
    b.behave(stall);
    load.markPhase("stall");
    long releaseAt = released.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    a.behave(StubEntryPoint.IDEMPOTENT);
    b.behave(StubEntryPoint.IDEMPOTENT);
    load.markPhase("after");
    int answeredAtRelease = outcomes.size();
    awaitTrue(() -> outcomes.size() >= answeredAtRelease + 60, "60 more answered after it");
    LoadSummary summary = load.stop();

    long t0 = load.startNanos();
    List<RequestOutcome> inStall = outcomes.stream()
        .filter(o -> t0 + o.intendedNanos() >= stallStart && t0 + o.intendedNanos() < releaseAt)
        .sorted((x, y) -> Long.compare(x.intendedNanos(), y.intendedNanos())).toList();
    assertTrue(inStall.size() >= 10, "requests were meant to start during the stall: " + inStall);
    for (RequestOutcome o : inStall) {
      long restOfStall = releaseAt - (t0 + o.intendedNanos());
      assertTrue(o.latencyNanos() >= restOfStall, "request " + o.seq() + " meant to start "
          + ms(restOfStall) + " before the release took " + ms(o.latencyNanos()));
      assertEquals(Outcome.OK, o.outcome());
    }
    assertTrue(inStall.get(0).latencyNanos() >= TimeUnit.MILLISECONDS.toNanos(1900),
        "the first request of the stall waited for nearly all of it: " + inStall.get(0));
    assertTrue(summary.latency().max() >= 1900, summary.format());
    assertTrue(summary.phase("stall").orElseThrow().latency().p50() >= 500, summary.format());
    assertTrue(summary.phase("before").orElseThrow().latency().p50() < 500, summary.format());
    assertEquals(summary.offered(), summary.count(Outcome.OK), summary.format());
  }

  /**
   * Every outcome is one history line with every field, numbered without gap; phases follow the
   * marks; the summary counts match the lines; the live line and the JSON summary come out.
   */
  @Test
  void everyOutcomeIsOneCompleteHistoryLine() throws Exception {
    a.behave((request, stub) -> {
      if (request.key().endsWith("3")) {
        return new StubEntryPoint.Response(409, "{\"reply\":\"rejected\",\"requestId\":\""
            + request.key() + "\",\"reason\":\"insufficient\"}");
      }
      return new StubEntryPoint.Response(503, "entity did not answer");
    });
    Path history = dir.resolve("history.jsonl");
    ByteArrayOutputStream liveBytes = new ByteArrayOutputStream();
    OpenLoopGenerator load = generator(AttemptPolicy.defaults(), history,
        new PrintStream(liveBytes, true, StandardCharsets.UTF_8));
    ConcurrentLinkedQueue<RequestOutcome> outcomes = new ConcurrentLinkedQueue<>();
    load.start("first", List.of(stream("deposits", 40), stream("transfers", 30)), outcomes::add);
    awaitTrue(() -> outcomes.size() >= 30, "30 outcomes");
    load.markPhase("second");
    int atMark = outcomes.size();
    awaitTrue(() -> outcomes.size() >= atMark + 30, "30 more outcomes");
    LoadSummary summary = load.stop();

    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(history)) {
      lines.add(JSON.readTree(line));
    }
    assertEquals(summary.offered(), lines.size(), "one line per request");
    double secondStartMs = summary.phase("second").orElseThrow().startSeconds() * 1000;
    Set<Long> seqs = new HashSet<>();
    for (JsonNode line : lines) {
      for (String field : List.of("event", "seq", "stream", "phase", "type", "id", "key", "body",
          "issuedAt", "deadline", "intendedStartMs", "endMs", "latencyMs", "outcome", "status",
          "attempts", "response")) {
        assertTrue(line.has(field), "field " + field + " in " + line);
      }
      seqs.add(line.get("seq").asLong());
      assertEquals("deposit", line.get("body").get("op").asText(), line.toString());
      assertEquals(line.get("deadline").asLong() - 10_000, line.get("issuedAt").asLong());
      assertTrue(line.get("attempts").size() >= 1, line.toString());
      JsonNode first = line.get("attempts").get(0);
      assertTrue(first.has("target") && first.has("result") && first.has("atMs")
          && first.has("durationMs"), line.toString());
      assertTrue(line.get("endMs").asDouble() >= line.get("intendedStartMs").asDouble());
      String expectedPhase = line.get("intendedStartMs").asDouble() < secondStartMs
          ? "first" : "second";
      assertEquals(expectedPhase, line.get("phase").asText(), line.toString());
      String outcome = line.get("outcome").asText();
      if (outcome.equals("REJECTED")) {
        assertEquals(409, line.get("status").asInt());
        assertEquals("insufficient", line.get("response").get("reason").asText());
      } else {
        assertEquals("OK", outcome, line.toString());
        assertEquals("applied", line.get("response").get("reply").asText());
      }
    }
    assertEquals(lines.size(), seqs.size(), "seq numbers are unique");
    assertEquals(lines.size() - 1, seqs.stream().mapToLong(Long::longValue).max().orElseThrow());
    assertEquals(summary.count(Outcome.REJECTED),
        lines.stream().filter(l -> l.get("outcome").asText().equals("REJECTED")).count());
    assertTrue(summary.retried() > 0, "the 503s of target a were retried on b");
    assertTrue(summary.timeline().size() >= 1, summary.format());
    assertEquals(summary.offered(), summary.timeline().stream()
        .mapToLong(LoadSummary.SecondSummary::offered).sum());
    JsonNode json = JSON.readTree(summary.toJson());
    assertEquals(summary.offered(), json.get("offered").asLong());
    String live = liveBytes.toString(StandardCharsets.UTF_8);
    assertTrue(live.contains("offered ") && live.contains("in flight ") && live.contains("p99 "),
        live);
  }

  /**
   * After the load, resolve re-sends each given-up request with its key and headers: the one an
   * entity had applied is found applied, the one it never saw is rejected; both are history lines.
   */
  @Test
  void resolveTellsWhetherEachGivenUpRequestWasApplied() throws Exception {
    // Key ...0 is applied but its answers are lost; every other key is never answered.
    StubEntryPoint.Behaviour lossy = (request, stub) -> {
      if (request.key().endsWith("0")) {
        stub.apply(request);
      }
      return new StubEntryPoint.Response(503, "entity did not answer");
    };
    a.behave(lossy);
    b.behave(lossy);
    Path history = dir.resolve("history.jsonl");
    OpenLoopGenerator load = generator(AttemptPolicy.defaults()
        .withAttemptTimeout(Duration.ofMillis(300)).withGiveUp(Duration.ofMillis(600)), history);
    ConcurrentLinkedQueue<RequestOutcome> outcomes = new ConcurrentLinkedQueue<>();
    load.start("load", List.of(stream("deposits", 20)), outcomes::add);
    awaitTrue(() -> outcomes.size() >= 12, "12 outcomes");
    LoadSummary summary = load.stop();
    assertEquals(summary.offered(), summary.count(Outcome.FAILED), summary.format());

    Set<String> seenKeys = new HashSet<>();
    StubEntryPoint.Behaviour honest = (request, stub) -> {
      seenKeys.add(request.key());
      return stub.received().stream().anyMatch(r -> r.key().equals(request.key())
          && r.atNanos() < request.atNanos()) && request.key().endsWith("0")
          ? stub.apply(request)
          : new StubEntryPoint.Response(409, "{\"reply\":\"rejected\",\"requestId\":\""
              + request.key() + "\",\"reason\":\"deadline-passed\"}");
    };
    a.behave(honest);
    b.behave(honest);
    ResolveReport report = load.resolve(Duration.ofSeconds(20));

    assertEquals(summary.offered(), report.resolutions().size());
    assertTrue(report.unresolved().isEmpty(), report.format());
    for (RequestOutcome r : report.resolutions()) {
      boolean wasApplied = r.request().key().endsWith("0");
      assertEquals(wasApplied ? Outcome.ALREADY_APPLIED : Outcome.REJECTED, r.outcome(),
          r.toString());
    }
    List<String> lines = Files.readAllLines(history);
    assertEquals(summary.offered() * 2, lines.size(), "an outcome and a resolution each");
    long resolutionLines = lines.stream().filter(l -> l.contains("\"event\":\"resolution\""))
        .count();
    assertEquals(summary.offered(), resolutionLines);
  }

  /**
   * Resolve sends nothing once its bound has passed: with more given-up requests than it re-sends
   * at a time and entry points that still do not answer, only the first wave is sent, and the
   * others stay FAILED without an attempt (before the fix, every one was sent after the bound,
   * a give-up time each: half an hour for 3,400 requests of a dead cluster).
   */
  @Test
  void resolveSendsNothingOnceItsBoundHasPassed() throws Exception {
    StubEntryPoint.Behaviour unavailable =
        (request, stub) -> new StubEntryPoint.Response(503, "entity did not answer");
    a.behave(unavailable);
    b.behave(unavailable);
    OpenLoopGenerator load = generator(AttemptPolicy.defaults()
        .withAttemptTimeout(Duration.ofMillis(300)).withGiveUp(Duration.ofMillis(600)), null);
    ConcurrentLinkedQueue<RequestOutcome> outcomes = new ConcurrentLinkedQueue<>();
    load.start("load", List.of(stream("deposits", 40)), outcomes::add);
    awaitTrue(() -> outcomes.size() >= 40, "40 outcomes");
    LoadSummary summary = load.stop();
    Set<String> resent = java.util.concurrent.ConcurrentHashMap.newKeySet();
    StubEntryPoint.Behaviour counting = (request, stub) -> {
      resent.add(request.key());
      return new StubEntryPoint.Response(503, "entity did not answer");
    };
    a.behave(counting);
    b.behave(counting);

    ResolveReport report = load.resolve(Duration.ofMillis(200));

    assertEquals(summary.offered(), report.resolutions().size());
    assertTrue(resent.size() <= 16, resent.size() + " re-sent after a bound shorter than one"
        + " give-up time: only the first wave of 16 may go");
    long notSent = report.resolutions().stream().filter(r -> r.attempts().isEmpty()).count();
    assertEquals(summary.offered() - resent.size(), notSent, report.format());
    assertTrue(report.resolutions().stream().allMatch(r -> r.outcome() == Outcome.FAILED));
  }

  private OpenLoopGenerator generator(AttemptPolicy policy, Path history) {
    return generator(policy, history, null);
  }

  private OpenLoopGenerator generator(AttemptPolicy policy, Path history, PrintStream live) {
    EntityClient client = EntityClient.create(List.of(a.uri(), b.uri()), policy,
        LoadClock.system());
    OpenLoopGenerator load = OpenLoopGenerator.create(client, history, live);
    generators.add(load);
    return load;
  }

  private static ArrivalStream stream(String name, double rate) {
    return ArrivalStream.of(name, rate, i -> LoadRequest.of("account", "acct-" + (i % 5),
        "{\"op\":\"deposit\",\"amount\":1}", name + "-" + i));
  }

  private int received() {
    return a.received().size() + b.received().size();
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws Exception {
    long until = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        fail("not within " + WAIT + ": " + what);
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }

  private static String ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos) + " ms";
  }
}
