package io.baton.upgrade;

import io.baton.serialization.ClusterSerializable;

/** A class without a migration: schema version 1. */
record Unversioned(String name, int count) implements ClusterSerializable {}
