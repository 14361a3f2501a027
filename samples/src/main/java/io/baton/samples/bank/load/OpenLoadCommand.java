package io.baton.samples.bank.load;

import io.baton.load.AttemptPolicy;
import io.baton.ops.StatusCommand.DurationConverter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code open-load}: the bank's open-loop workload ({@link BankOpenLoad}) against running bank
 * nodes, e.g. {@code java -jar baton-samples-all.jar open-load
 * --targets=http://127.0.0.1:8081,http://127.0.0.1:8082 --duration=60s --history=h.jsonl}. It
 * prints a live line a second, the summary (outcomes, percentiles from intended start, per phase,
 * per second), the resolve, saga and money checks, and last {@code OPEN LOAD OK} or {@code OPEN
 * LOAD FAILED: <why>}.
 *
 * <p>With {@code --warm-up=10s} the same load runs 10 s first in phase {@code warm-up}: what it
 * gives up is printed but not counted (a cold cluster's JIT and first shard allocations), while
 * its requests are still resolved and its sagas and money checked.
 *
 * <p>Exit status: 0 when no request (after the warm-up) was given up, every saga is final and
 * money is conserved; 1
 * otherwise or when a step could not run; 2 for a command line it does not understand.
 */
@Command(name = "open-load", mixinStandardHelpOptions = true,
    description = "Open-loop bank load over the nodes' HTTP entry points: fixed arrival rates,"
        + " latency from each request's intended start, every outcome in a history file.")
public final class OpenLoadCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--targets", required = true, split = ",",
      description = "The nodes' HTTP entry points, e.g. http://127.0.0.1:8081,http://127.0.0.1:8082")
  List<URI> targets = new ArrayList<>();

  @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class,
      description = "How long to offer the load (default ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--transfer-rate", defaultValue = "70",
      description = "Transfers ordered a second (default ${DEFAULT-VALUE}).")
  double transferRate;

  @Option(names = "--account-rate", defaultValue = "30",
      description = "Deposits and withdrawals a second (default ${DEFAULT-VALUE}).")
  double accountRate;

  @Option(names = "--accounts", defaultValue = "48",
      description = "Accounts opened first (default ${DEFAULT-VALUE}).")
  int accounts;

  @Option(names = "--opening-balance", defaultValue = "1000",
      description = "Each account's opening balance (default ${DEFAULT-VALUE}).")
  long openingBalance;

  @Option(names = "--history", description = "The history file, one JSON line per outcome.")
  Path history;

  @Option(names = "--summary-json", description = "Also write the load summary as JSON here.")
  Path summaryJson;

  @Option(names = "--attempt-timeout", defaultValue = "1.5s", converter = DurationConverter.class,
      description = "How long one attempt waits (default ${DEFAULT-VALUE}).")
  Duration attemptTimeout;

  @Option(names = "--give-up", defaultValue = "10s", converter = DurationConverter.class,
      description = "Give a request up this long after its intended start (default"
          + " ${DEFAULT-VALUE}).")
  Duration giveUp;

  @Option(names = "--warm-up", defaultValue = "0s", converter = DurationConverter.class,
      description = "Offer the same load this long first, in phase warm-up, whose given-up"
          + " requests are reported but do not fail the run (a cold cluster's JIT and first shard"
          + " allocations); its requests are still resolved and checked for sagas and money"
          + " (default ${DEFAULT-VALUE}: none).")
  Duration warmUp;

  @Option(names = "--seed", defaultValue = "1",
      description = "Seed of the accounts and amounts chosen (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--run-id", description = "Prefix of entity ids and keys (default: from the"
      + " clock, so runs on one cluster do not meet).")
  String runId;

  private static final String WARM_UP = "warm-up";
  private static final String MEASURED = "load";

  /** Requests given up in phase {@code phase} (0 if the phase was never marked). */
  private static long givenUp(io.baton.load.LoadSummary summary, String phase) {
    return summary.phase(phase)
        .map(p -> p.outcomes().getOrDefault(io.baton.load.Outcome.FAILED, 0L)).orElse(0L);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintStream out = new PrintStream(new WriterStream(spec.commandLine().getOut()), true,
        StandardCharsets.UTF_8);
    BankLoadSettings settings;
    try {
      settings = BankLoadSettings.of(targets)
          .withAccounts(accounts).withOpeningBalance(openingBalance)
          .withTransferRate(transferRate).withAccountRate(accountRate)
          .withPolicy(AttemptPolicy.of(attemptTimeout, giveUp))
          .withHistory(history).withSeed(seed);
      if (runId != null) {
        settings = settings.withRunId(runId);
      }
      if (warmUp.isNegative()) {
        throw new IllegalArgumentException("--warm-up must be 0s or more, not " + warmUp);
      }
    } catch (IllegalArgumentException e) {
      err.println("open-load: " + e.getMessage());
      return 2;
    }
    try (BankOpenLoad load = BankOpenLoad.create(settings, out)) {
      BankLoadReport report = warmUp.isZero()
          ? load.run(duration, null)
          : load.run(WARM_UP, warmUp.plus(duration), running -> {
            try {
              Thread.sleep(warmUp.toMillis());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
            running.markPhase(MEASURED);
          });
      if (summaryJson != null) {
        Files.writeString(summaryJson, report.summary().toJson());
      }
      List<String> why = new ArrayList<>();
      long failed = givenUp(report.summary(), MEASURED);
      if (!warmUp.isZero()) {
        out.println("open-load: " + givenUp(report.summary(), WARM_UP) + " requests given up in"
            + " the " + warmUp.toSeconds() + " s warm-up (not counted), " + failed
            + " after it");
      }
      if (failed > 0) {
        why.add(failed + " requests given up");
      }
      if (!report.sagas().allFinal()) {
        why.add(report.sagas().notFinal().size() + " sagas not final");
      }
      if (!report.money().conserved()) {
        why.add("money not conserved");
      }
      out.println(why.isEmpty() ? "OPEN LOAD OK" : "OPEN LOAD FAILED: " + String.join(", ", why)
          + (history == null ? "" : "; history in " + history));
      out.flush();
      return why.isEmpty() ? 0 : 1;
    } catch (BankLoadFailed e) {
      out.flush();
      err.println("OPEN LOAD FAILED: " + e.getMessage());
      return 1;
    }
  }

  /** A PrintStream over picocli's writer, so that tests capture the output. */
  private static final class WriterStream extends java.io.OutputStream {
    private final Writer writer;
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

    WriterStream(Writer writer) {
      this.writer = writer;
    }

    @Override
    public synchronized void write(int b) throws java.io.IOException {
      line.write(b);
      if (b == '\n') {
        flush();
      }
    }

    @Override
    public synchronized void flush() throws java.io.IOException {
      writer.write(line.toString(StandardCharsets.UTF_8));
      line.reset();
      writer.flush();
    }
  }
}
