/**
 * The supervision demo: a small online shop's supervision tree ({@link
 * io.baton.samples.supervision.ShopTree}) whose workers are plain Pekko typed behaviours, and a
 * script ({@link io.baton.samples.supervision.SupervisionDemo}) that crashes them in each way an
 * OTP supervisor handles and prints what the supervisors report.
 */
package io.baton.samples.supervision;
