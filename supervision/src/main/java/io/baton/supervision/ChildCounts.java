package io.baton.supervision;

/**
 * What {@link Supervisor.CountChildren} answers: OTP's {@code count_children} property list.
 *
 * @param specs child specs, running or not; always 1 for simple_one_for_one (its one template,
 *     however many dynamic children run), as OTP answers
 * @param active children running now
 * @param supervisors children of type supervisor, running or not
 * @param workers children of type worker, running or not
 */
public record ChildCounts(int specs, int active, int supervisors, int workers) {}
