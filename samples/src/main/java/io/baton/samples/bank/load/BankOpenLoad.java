package io.baton.samples.bank.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.load.Answer;
import io.baton.load.ArrivalStream;
import io.baton.load.EntityClient;
import io.baton.load.LoadClock;
import io.baton.load.LoadRequest;
import io.baton.load.LoadSummary;
import io.baton.load.OpenLoopGenerator;
import io.baton.load.Outcome;
import io.baton.load.RequestOutcome;
import io.baton.load.ResolveReport;
import io.baton.samples.bank.TransferStatus.Phase;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bank under an open-loop load, over the nodes' HTTP entry points only (no Pekko, no {@code
 * BatonClient}): the measuring workload of issue 10, reusable from the demo, the benchmarks and
 * the multi-process tests.
 *
 * <h2>Steps</h2>
 * <ol>
 *   <li>{@link #openAccounts()}: opens {@code accounts} accounts ({@code <run>-acct-00}, ...) and
 *       deposits the opening balance in each, retrying each with its key until acknowledged;
 *   <li>{@link #start()}: two {@link ArrivalStream}s at fixed rates: {@code transfers} (order a
 *       transfer {@code <run>-t<i>} of 1 to 50 between two random open accounts, or, for a share
 *       of them, to {@code <run>-acct-unopened}, which is never opened so the saga compensates),
 *       and {@code accounts} (a deposit or a withdrawal of 1 to 50 on a random account);
 *       {@link #markPhase} at will ({@code before}, {@code upgrade}, {@code after});
 *   <li>{@link #stop()}, then {@link #resolve()}: every request given up is re-sent with its
 *       key, issue time and deadline, so its fate is known;
 *   <li>{@link #checkSagas()}: polls the status of every transfer ordered until it is final;
 *   <li>{@link #checkMoney()}: reads every balance; their sum must be the opening total plus the
 *       accepted deposits minus the accepted withdrawals. A withdrawal refused for insufficient
 *       funds is acknowledged (200) with a {@code refused} result and moves nothing.
 * </ol>
 * {@link #run} does all of it. Entity ids and keys start with the run id, so runs against the
 * same cluster do not meet.
 *
 * <h2>Threads</h2>
 * The request sources run on the generator's scheduler thread and alone use the two {@link
 * Random}s; outcomes arrive on HTTP client threads into concurrent maps keyed by idempotency
 * key; the steps are called from one thread, in order.
 */
public final class BankOpenLoad implements AutoCloseable {

  static final String TRANSFERS = "transfers";
  static final String ACCOUNT_OPS = "accounts";
  private static final int MAX_AMOUNT = 50;
  private static final int CHECK_PARALLELISM = 32;
  private static final Duration POLL_PAUSE = Duration.ofMillis(200);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BankLoadSettings settings;
  private final PrintStream out;
  private final EntityClient checks;
  private final OpenLoopGenerator generator;
  private final List<String> accounts = new ArrayList<>();
  private final String unopened;
  private final Random transferChoices;
  private final Random accountChoices;
  private final Map<String, RequestOutcome> accountOps = new ConcurrentHashMap<>();
  private final Map<String, RequestOutcome> orders = new ConcurrentHashMap<>();
  private final AtomicLong checkKeys = new AtomicLong();
  // Set-up and checks block on answers; not on the common pool, which has one thread on 2 cores.
  private final java.util.concurrent.ExecutorService blocking =
      java.util.concurrent.Executors.newFixedThreadPool(CHECK_PARALLELISM, runnable -> {
        Thread thread = new Thread(runnable, "bank-open-load-check");
        thread.setDaemon(true);
        return thread;
      });
  private long openingTotal;
  private volatile java.util.function.Consumer<RequestOutcome> observer = outcome -> { };

  private BankOpenLoad(BankLoadSettings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
    this.checks = EntityClient.create(settings.targets(), settings.policy(), LoadClock.system());
    this.generator = OpenLoopGenerator.create(
        EntityClient.create(settings.targets(), settings.policy(), LoadClock.system()),
        settings.history(), out);
    for (int i = 0; i < settings.accounts(); i++) {
      accounts.add(String.format(java.util.Locale.ROOT, "%s-acct-%02d", settings.runId(), i));
    }
    this.unopened = settings.runId() + "-acct-unopened";
    this.transferChoices = new Random(settings.seed());
    this.accountChoices = new Random(settings.seed() + 1);
  }

  /** A workload of {@code settings}, printing its progress and live lines to {@code out}. */
  public static BankOpenLoad create(BankLoadSettings settings, PrintStream out) {
    return new BankOpenLoad(java.util.Objects.requireNonNull(settings, "settings"),
        java.util.Objects.requireNonNull(out, "out"));
  }

  /** The account ids, in order. */
  public List<String> accounts() {
    return List.copyOf(accounts);
  }

  /**
   * Runs every step: opens the accounts, offers the load for {@code duration} (calling {@code
   * during} at once with this workload, e.g. to kill a node or upgrade and mark phases; null for
   * nothing), stops, resolves, checks the sagas and the money.
   */
  public BankLoadReport run(Duration duration, java.util.function.Consumer<BankOpenLoad> during)
      throws BankLoadFailed, InterruptedException {
    return run("load", duration, during);
  }

  /** As {@link #run(Duration, java.util.function.Consumer)}, starting in phase {@code firstPhase}. */
  public BankLoadReport run(String firstPhase, Duration duration,
      java.util.function.Consumer<BankOpenLoad> during)
      throws BankLoadFailed, InterruptedException {
    openAccounts();
    long until = System.nanoTime() + duration.toNanos();
    start(firstPhase);
    if (during != null) {
      during.accept(this);
    }
    long left = until - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left); // the load's duration itself
    }
    LoadSummary summary = stop();
    ResolveReport resolved = resolve();
    SagaCheck sagas = checkSagas();
    MoneyCheck money = checkMoney();
    return new BankLoadReport(summary, resolved, sagas, money);
  }

  /**
   * Opens every account and deposits its opening balance, each request retried with its key until
   * acknowledged (three give-up windows at most).
   *
   * @throws BankLoadFailed if an account could not be opened or funded, with the answer seen
   */
  public void openAccounts() throws BankLoadFailed, InterruptedException {
    out.printf("open-load: run %s, opening %d accounts of %d through %s%n", settings.runId(),
        accounts.size(), settings.openingBalance(), settings.targets());
    List<CompletableFuture<String>> opened = new ArrayList<>();
    for (String account : accounts) {
      opened.add(CompletableFuture.supplyAsync(() -> {
        Answer open = untilFinal(LoadRequest.of("account", account, "{\"op\":\"open\"}",
            settings.runId() + "-open-" + account), 3);
        if (!open.outcome().acknowledged()) {
          return "open " + account + ": " + open.outcome() + " " + open.body().strip();
        }
        Answer fund = untilFinal(LoadRequest.of("account", account,
            "{\"op\":\"deposit\",\"amount\":" + settings.openingBalance() + "}",
            settings.runId() + "-fund-" + account), 3);
        if (!fund.outcome().acknowledged() || refused(fund.body())) {
          return "fund " + account + ": " + fund.outcome() + " " + fund.body().strip();
        }
        return "";
      }, blocking));
    }
    List<String> problems = new ArrayList<>();
    for (CompletableFuture<String> f : opened) {
      String problem = f.join();
      if (!problem.isEmpty()) {
        problems.add(problem);
      }
    }
    if (!problems.isEmpty()) {
      throw new BankLoadFailed("could not open every account (" + problems.size() + " of "
          + accounts.size() + "): " + problems.subList(0, Math.min(5, problems.size()))
          + "; are the targets bank nodes with their HTTP entry points up?");
    }
    openingTotal = settings.openingBalance() * accounts.size();
  }

  /** Starts the two streams, in phase {@code load}. */
  public void start() {
    start("load");
  }

  /** Starts the two streams, in phase {@code firstPhase}. */
  public void start(String firstPhase) {
    out.printf("open-load: %.0f transfers/s and %.0f deposits and withdrawals/s on %d accounts,"
            + " open loop; attempts of %s, given up after %s%n", settings.transferRate(),
        settings.accountRate(), accounts.size(), settings.policy().attemptTimeout(),
        settings.policy().giveUp());
    generator.start(firstPhase, List.of(
        ArrivalStream.of(TRANSFERS, settings.transferRate(), this::transfer),
        ArrivalStream.of(ACCOUNT_OPS, settings.accountRate(), this::accountOperation)),
        outcome -> {
          observer.accept(outcome);
          record(outcome);
        });
  }

  /**
   * Calls {@code listener} with every outcome of the load, on an HTTP client thread, before it is
   * counted (so {@link #stop} returns after the last call); set it before {@link #start}.
   */
  public void onOutcome(java.util.function.Consumer<RequestOutcome> listener) {
    this.observer = java.util.Objects.requireNonNull(listener, "listener");
  }

  /** The start of the load on {@link System#nanoTime()}; outcomes' times count from it. */
  public long startNanos() {
    return generator.startNanos();
  }

  /** The requests offered so far (the schedule's count, whatever the cluster answers). */
  public long offered() {
    return generator.summary().offered();
  }

  /** Requests intended from now on belong to phase {@code name}. */
  public void markPhase(String name) {
    generator.markPhase(name);
  }

  /** Stops the load once every request has its outcome; prints and answers the summary. */
  public LoadSummary stop() throws InterruptedException {
    return stop(true);
  }

  /**
   * Stops the load once every request has its outcome; prints the summary, with its timeline
   * per second if {@code timeline}, else only its totals and phases.
   */
  public LoadSummary stop(boolean timeline) throws InterruptedException {
    LoadSummary summary = generator.stop();
    String text = summary.format();
    int cut = text.indexOf("  timeline (");
    out.print(timeline || cut < 0 ? text : text.substring(0, cut));
    return summary;
  }

  /** Re-sends every given-up request with its key until its fate is known (bounded). */
  public ResolveReport resolve() throws InterruptedException {
    ResolveReport report = generator.resolve(settings.resolveBound());
    for (RequestOutcome resolution : report.resolutions()) {
      record(resolution);
    }
    out.println(report.format());
    return report;
  }

  /**
   * Polls the status of every transfer whose order was acknowledged (or whose fate is unknown)
   * until it is final or the saga wait has passed. A transfer of unknown fate found {@code NEW}
   * was never ordered and is not counted.
   */
  public SagaCheck checkSagas() throws InterruptedException {
    long start = System.nanoTime();
    long until = start + settings.sagaWait().toNanos();
    Map<Phase, Long> phases = new EnumMap<>(Phase.class);
    Set<String> pending = ConcurrentHashMap.newKeySet();
    Set<String> unknownFate = ConcurrentHashMap.newKeySet();
    for (RequestOutcome order : orders.values()) {
      if (order.outcome().acknowledged()) {
        pending.add(order.request().id());
      } else if (order.outcome() == Outcome.FAILED) {
        pending.add(order.request().id());
        unknownFate.add(order.request().id());
      }
    }
    long polled = pending.size() - unknownFate.size();
    Map<String, Phase> last = new ConcurrentHashMap<>();
    while (!pending.isEmpty() && System.nanoTime() < until) {
      Semaphore permits = new Semaphore(CHECK_PARALLELISM);
      List<CompletableFuture<Void>> round = new ArrayList<>();
      for (String id : List.copyOf(pending)) {
        if (System.nanoTime() >= until) {
          break; // the wait is over: what is still pending is reported not final
        }
        permits.acquire();
        round.add(checks.send(LoadRequest.of("transfer", id, "{\"op\":\"status\"}",
                settings.runId() + "-status-" + checkKeys.incrementAndGet()))
            .thenAccept(answer -> {
              Phase phase = phaseOf(answer);
              if (phase == null) {
                return;
              }
              last.put(id, phase);
              if (phase == Phase.NEW && unknownFate.remove(id)) {
                pending.remove(id);
              } else if (phase.isFinal()) {
                if (pending.remove(id)) {
                  synchronized (phases) {
                    phases.merge(phase, 1L, Long::sum);
                  }
                }
              }
            })
            .whenComplete((ignored, failure) -> permits.release()));
      }
      CompletableFuture.allOf(round.toArray(CompletableFuture[]::new)).join();
      if (!pending.isEmpty()) {
        TimeUnit.NANOSECONDS.sleep(POLL_PAUSE.toNanos()); // poll interval, bounded by the wait
      }
    }
    // Ordered: the acknowledged ones, and those of unknown fate not found NEW (never ordered).
    long ordered = polled + unknownFate.size();
    List<String> notFinal = pending.stream().sorted()
        .map(id -> id + "=" + (last.get(id) == null ? "unanswered" : last.get(id))).toList();
    SagaCheck check = new SagaCheck(ordered, phases, notFinal, (System.nanoTime() - start) / 1e9);
    out.println(check.format());
    return check;
  }

  /**
   * Reads every balance (the account never opened included) and compares their sum with the
   * opening total plus the accepted deposits minus the accepted withdrawals.
   *
   * @throws BankLoadFailed if a balance could not be read
   */
  public MoneyCheck checkMoney() throws BankLoadFailed, InterruptedException {
    long deposited = 0;
    long withdrawn = 0;
    long unknown = 0;
    for (RequestOutcome op : accountOps.values()) {
      if (op.outcome() == Outcome.FAILED) {
        unknown++;
        continue;
      }
      if (!op.outcome().acknowledged() || refused(op.answer().body())) {
        continue;
      }
      JsonNode body = json(op.request().body());
      long amount = body.path("amount").asLong();
      if ("deposit".equals(body.path("op").asText())) {
        deposited += amount;
      } else {
        withdrawn += amount;
      }
    }
    List<String> all = new ArrayList<>(accounts);
    all.add(unopened);
    List<CompletableFuture<Answer>> reads = new ArrayList<>();
    for (String account : all) {
      reads.add(CompletableFuture.supplyAsync(() -> untilFinal(LoadRequest.of("account", account,
          "{\"op\":\"balance\"}", settings.runId() + "-balance-" + account + "-"
              + checkKeys.incrementAndGet()), 3), blocking));
    }
    long total = 0;
    for (int i = 0; i < all.size(); i++) {
      Answer read = reads.get(i).join();
      JsonNode result = json(read.body()).path("result");
      if (!read.outcome().acknowledged() || !result.has("balance")) {
        throw new BankLoadFailed("cannot read the balance of " + all.get(i) + ": "
            + read.outcome() + " " + read.body().strip() + "; the money check needs every"
            + " balance, so the cluster must answer for every account");
      }
      total += result.get("balance").asLong();
    }
    MoneyCheck check = new MoneyCheck(openingTotal, deposited, withdrawn, unknown, total);
    out.println(check.format());
    return check;
  }

  @Override
  public void close() {
    generator.close();
    checks.close();
    blocking.shutdownNow();
  }

  // ------------------------------------------------------------------ the streams' requests

  private LoadRequest transfer(long index) {
    int n = accounts.size();
    int from = transferChoices.nextInt(n);
    String to = transferChoices.nextDouble() < settings.unopenedShare() ? unopened
        : accounts.get((from + 1 + transferChoices.nextInt(n - 1)) % n);
    long amount = 1 + transferChoices.nextInt(MAX_AMOUNT);
    String id = settings.runId() + "-t" + index;
    return LoadRequest.of("transfer", id, "{\"op\":\"order\",\"from\":\"" + accounts.get(from)
        + "\",\"to\":\"" + to + "\",\"amount\":" + amount + "}", id);
  }

  private LoadRequest accountOperation(long index) {
    String account = accounts.get(accountChoices.nextInt(accounts.size()));
    String op = accountChoices.nextBoolean() ? "deposit" : "withdraw";
    long amount = 1 + accountChoices.nextInt(MAX_AMOUNT);
    return LoadRequest.of("account", account, "{\"op\":\"" + op + "\",\"amount\":" + amount + "}",
        settings.runId() + "-a" + index);
  }

  private void record(RequestOutcome outcome) {
    if (outcome.stream().equals(TRANSFERS)) {
      orders.put(outcome.request().key(), outcome);
    } else {
      accountOps.put(outcome.request().key(), outcome);
    }
  }

  // ------------------------------------------------------------------ helpers

  /** Sends {@code request} until it has a final outcome, at most {@code tries} give-up windows. */
  private Answer untilFinal(LoadRequest request, int tries) {
    Answer answer = null;
    for (int i = 0; i < tries; i++) {
      answer = checks.send(request).join();
      if (answer.outcome() != Outcome.FAILED) {
        return answer;
      }
    }
    return answer;
  }

  private static Phase phaseOf(Answer answer) {
    if (!answer.outcome().acknowledged()) {
      return null;
    }
    String phase = json(answer.body()).path("result").path("phase").asText("");
    try {
      return Phase.valueOf(phase);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Whether a reply's result is an account's refusal ({@code AccountOutcome.Refused}). */
  static boolean refused(String replyBody) {
    JsonNode result = json(replyBody).path("result");
    return "refused".equals(result.path("outcome").asText()) || result.has("reason");
  }

  private static JsonNode json(String text) {
    try {
      JsonNode node = JSON.readTree(text);
      return node == null ? JSON.createObjectNode() : node;
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }
}
