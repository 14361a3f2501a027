package io.baton.journal;

import org.apache.pekko.actor.ActorRef;

/** The TCK's payload that needs a custom serializer (and transport information) to round-trip. */
public record TestPayload(ActorRef ref) {}
