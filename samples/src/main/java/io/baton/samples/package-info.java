/**
 * Runnable Baton samples, packaged as one fat jar whose entry point is {@link
 * io.baton.samples.Main}. Each sample is code a user can copy; each checks, as it runs, that it
 * saw what it narrates.
 */
package io.baton.samples;
