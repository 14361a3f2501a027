package io.baton.journal.store;

/**
 * The per-persistence-id record next to its events: the highest sequence number ever written
 * (kept when events are deleted, as Pekko requires) and the sequence number up to which events
 * are deleted. Reads start after {@code deletedTo}.
 */
record SequenceState(long highest, long deletedTo) {

  static final SequenceState EMPTY = new SequenceState(0L, 0L);
}
