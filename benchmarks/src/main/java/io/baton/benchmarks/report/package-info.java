/** Turns JMH results into the tables that docs and reviews quote. */
package io.baton.benchmarks.report;
