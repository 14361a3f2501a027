package io.baton.client;

import java.time.Duration;

/**
 * One attempt of a request, as {@link BatonClient} reports it.
 *
 * @param number 1 for the first attempt
 * @param route the transport route it went through
 * @param startedAfter when it started, after the request started
 * @param took how long until it settled
 * @param outcome how it settled
 * @param detail the reply or the failure, for logs
 */
public record Attempt(int number, int route, Duration startedAfter, Duration took,
    Outcome outcome, String detail) {

  /** How an attempt settled. */
  public enum Outcome {
    /** The entity replied (applied, already applied or rejected). */
    REPLIED,
    /** No reply within the attempt's timeout. */
    TIMED_OUT,
    /** The transport failed (node unreachable, serialization...). */
    FAILED
  }
}
