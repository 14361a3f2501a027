package io.baton.samples;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;

/**
 * What a correct run of the supervision demo prints: lines that must appear in this order, each
 * named by how it starts; other lines may come between them. Shared by the in-process test and
 * the fat-jar test so that both hold the demo to the same story.
 */
public final class DemoTranscript {

  /** The story's key lines, in order, as prefixes. */
  public static final List<String> KEY_LINES =
      List.of(
          "  report  root: ingest started #1",
          "  report  root/payments: ledger started #1",
          "  report  root/payments: notifier started #1",
          "  report  root: payments started #1",
          "  report  root: sessions started #1",
          "OK tree started in order: ingest, payments [ledger, notifier], sessions",
          "  report  root: ingest crashed (NumberFormatException",
          "  report  root: ingest started #2",
          "OK one_for_one: root restarted ingest alone",
          "  report  root/payments: ledger crashed (IllegalStateException: debit of 500",
          "  report  root/payments: notifier stopped",
          "  report  root/payments: ledger started #2",
          "  report  root/payments: notifier started #2",
          "OK one_for_all: payments restarted ledger and notifier together",
          "  report  root/sessions: session crashed (IllegalStateException: bob's cart",
          "  report  root/sessions: session started #2",
          "OK simple_one_for_one: sessions restarted bob's session alone",
          "  report  root/payments: notifier crashed (UncheckedIOException",
          "  report  root/payments: max restart intensity reached (more than 3 restarts in 10s)",
          "  report  root/payments: ledger stopped",
          "  report  root/payments: supervisor exited shutdown",
          "  report  root: payments exited shutdown",
          "  report  root: payments started #2",
          "OK escalation: payments exceeded 3 restarts in 10s and exited;"
              + " root restarted the payments sub-tree",
          "  report  root/sessions: supervisor exited shutdown",
          "  report  root: sessions stopped",
          "  report  root/payments: notifier stopped",
          "  report  root/payments: ledger stopped",
          "  report  root: payments stopped",
          "  report  root: ingest stopped",
          "  report  root: supervisor exited normal",
          "OK shutdown in reverse order",
          "DEMO OK: 6 crashes, 9 restarts, 1 escalation, tree stopped in order");

  private DemoTranscript() {}

  /** Fails, quoting {@code output}, unless it holds every key line in order. */
  public static void assertFollowed(String output) {
    List<String> lines = output.lines().toList();
    int next = 0;
    for (String expected : KEY_LINES) {
      int found = -1;
      for (int i = next; i < lines.size() && found < 0; i++) {
        if (lines.get(i).startsWith(expected)) {
          found = i;
        }
      }
      if (found < 0) {
        fail("the demo's output has no line starting with '" + expected + "' after line " + next
            + " (of " + lines.size() + "); the output was:\n" + output);
      }
      next = found + 1;
    }
  }
}
