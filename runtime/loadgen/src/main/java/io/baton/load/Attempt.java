package io.baton.load;

/**
 * One attempt of a request, as written to the history.
 *
 * @param number 1 for the first attempt
 * @param target the entry point it was sent to (base URI)
 * @param atMillis when it was sent, in milliseconds after the request's intended start
 * @param durationMillis how long it took to end
 * @param result how it ended ({@link AttemptResult#label()})
 */
public record Attempt(int number, String target, double atMillis, double durationMillis,
    String result) {}
