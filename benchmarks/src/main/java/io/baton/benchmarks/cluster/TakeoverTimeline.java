package io.baton.benchmarks.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The takeover figures of one run, computed from its answers alone (a pure function, so that the
 * rules below are tested directly).
 *
 * <ul>
 *   <li>An entity is <em>affected</em> when the last answer it gave that arrived before the kill
 *       names the killed node: it lived there.
 *   <li>An affected entity has <em>recovered</em> at the arrival of its first answer after the
 *       kill that certainly came from a surviving node: either it names another node, or its
 *       request was issued after the killed process was seen dead (a Baton retry answered {@code
 *       AlreadyApplied} names the node that first applied it, which may be the dead one).
 *   <li>Another entity <em>stalled</em> when one of its requests that ended after the kill, meant
 *       to start before {@code windowEnd}, stalled (an attempt timed out or was answered 5xx) or
 *       was given up: it lived on a survivor but did not answer either (a shard coordinator that
 *       moved with the killed node, a replica write waiting for it). It has recovered at the first
 *       successful answer, ending after the kill, of a request meant to start no earlier than its
 *       first such request.
 *   <li>The run's <em>takeover time</em> is from the kill (the moment SIGKILL was sent) to the
 *       recovery of the last affected or stalled entity; it is known only when every one of them
 *       recovered.
 * </ul>
 */
final class TakeoverTimeline {

  /**
   * @param affected the affected entities, in index order
   * @param stalled the entities that lived on a survivor and stalled, in index order
   * @param recoveredAfterNanos per affected or stalled entity, from the kill to its recovery;
   *     absent if it has not recovered
   */
  record Result(List<Integer> affected, List<Integer> stalled,
      Map<Integer, Long> recoveredAfterNanos) {

    boolean complete() {
      return recoveredAfterNanos.size() == affected.size() + stalled.size();
    }

    /** From the kill to the recovery of the last affected or stalled entity; -1 unless complete. */
    long takeoverNanos() {
      if (!complete() || recoveredAfterNanos.isEmpty()) {
        return -1;
      }
      return recoveredAfterNanos.values().stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    /** The per-entity recovery times that are known, sorted. */
    List<Long> sortedRecoveries() {
      List<Long> sorted = new ArrayList<>(recoveredAfterNanos.values());
      sorted.sort(null);
      return sorted;
    }
  }

  private TakeoverTimeline() {}

  /** {@link #of(Collection, String, long, long, long)} with no end to the stall window. */
  static Result of(Collection<Answer> answers, String victim, long killNanos, long deadNanos) {
    return of(answers, victim, killNanos, deadNanos, Long.MAX_VALUE);
  }

  /**
   * The figures for a kill of {@code victim} at {@code killNanos}, the process seen dead at {@code
   * deadNanos} (both {@link System#nanoTime()}), from {@code answers} in any order; a request meant
   * to start at or after {@code windowEnd} does not make an entity stalled.
   */
  static Result of(Collection<Answer> answers, String victim, long killNanos, long deadNanos,
      long windowEnd) {
    Map<Integer, Answer> lastBefore = new HashMap<>();
    for (Answer answer : answers) {
      if (answer.ok() && answer.endNanos() < killNanos) {
        lastBefore.merge(answer.entity(), answer,
            (a, b) -> a.endNanos() >= b.endNanos() ? a : b);
      }
    }
    List<Integer> affected = lastBefore.values().stream()
        .filter(answer -> answer.node().equals(victim))
        .map(Answer::entity).sorted().toList();
    Map<Integer, Long> firstStall = new TreeMap<>();
    for (Answer answer : answers) {
      if (affected.contains(answer.entity()) || answer.endNanos() <= killNanos
          || answer.startNanos() >= windowEnd || !(answer.stalled() || !answer.ok())) {
        continue;
      }
      firstStall.merge(answer.entity(), answer.startNanos(), Math::min);
    }
    List<Integer> stalled = List.copyOf(firstStall.keySet());
    Map<Integer, Long> recovered = new TreeMap<>();
    for (Answer answer : answers) {
      if (!answer.ok() || answer.endNanos() < killNanos) {
        continue;
      }
      if (affected.contains(answer.entity())) {
        boolean fromSurvivor = !answer.node().equals(victim) || answer.startNanos() >= deadNanos;
        if (fromSurvivor) {
          recovered.merge(answer.entity(), answer.endNanos() - killNanos, Math::min);
        }
      } else if (firstStall.containsKey(answer.entity())
          && answer.startNanos() >= firstStall.get(answer.entity())) {
        recovered.merge(answer.entity(), answer.endNanos() - killNanos, Math::min);
      }
    }
    return new Result(affected, stalled, recovered);
  }
}
