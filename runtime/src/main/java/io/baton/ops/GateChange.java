package io.baton.ops;

import io.baton.upgrade.GateStatus;

/**
 * The answer to {@code POST /upgrade/hold} and {@code POST /upgrade/release}, as JSON.
 *
 * @param held the hold as requested: true after a hold, false after a release
 * @param confirmed whether every reachable member confirmed the change in time (false: it holds
 *     on the node asked and spreads by gossip)
 * @param gate the version gate as that node saw it at its last recomputation; the change shows
 *     at the next one, within {@code baton.upgrade.gate.interval}
 */
public record GateChange(boolean held, boolean confirmed, GateStatus gate) {}
