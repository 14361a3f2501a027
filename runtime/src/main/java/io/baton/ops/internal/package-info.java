/**
 * The operator endpoint's parts that users do not call: how a node's state is read ({@link
 * io.baton.ops.internal.NodeObservation}) and turned into meters ({@link
 * io.baton.ops.internal.OperatorMetrics}).
 */
package io.baton.ops.internal;
