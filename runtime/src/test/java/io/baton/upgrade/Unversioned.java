package io.baton.upgrade;

import io.baton.runtime.ClusterSerializable;

/** A class without a migration: schema version 1. */
record Unversioned(String name, int count) implements ClusterSerializable {}
