package io.baton.supervision;

import io.baton.process.ExitReason;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a supervisor did, as a structured event (OTP's progress, error and crash reports):
 * published on the actor system's event stream, in the order the supervisor did it, and logged
 * in one line without a stack trace. Subscribe with {@link SupervisorReports#subscribe} to
 * observe a tree.
 */
public sealed interface SupervisorReport {

  /** The supervisor that made the report. */
  ActorRef<?> supervisor();

  /** A child finished starting; {@code incarnation} is 1 for the first start, then counts restarts. */
  record ChildStarted(ActorRef<?> supervisor, String childId, ActorRef<?> child, int incarnation)
      implements SupervisorReport {}

  /** A child exited by itself (OTP's {@code child_terminated} for abnormal reasons). */
  record ChildExited(ActorRef<?> supervisor, String childId, ExitReason reason)
      implements SupervisorReport {}

  /** The supervisor stopped a child, as it asked ({@code shutdown}, or {@code killed} for brutal kill). */
  record ChildStopped(ActorRef<?> supervisor, String childId, ExitReason reason)
      implements SupervisorReport {}

  /** A child stopped by the supervisor exited with another reason than asked (OTP's {@code shutdown_error}). */
  record ShutdownError(ActorRef<?> supervisor, String childId, ExitReason reason)
      implements SupervisorReport {}

  /** A child failed to start (OTP's {@code start_error}). */
  record StartError(ActorRef<?> supervisor, String childId, ExitReason reason)
      implements SupervisorReport {}

  /** More restarts than allowed in the period: the supervisor stops its children and exits. */
  record MaxIntensityReached(ActorRef<?> supervisor, int intensity, Duration period)
      implements SupervisorReport {}

  /** A significant child's exit triggered the supervisor's automatic shutdown. */
  record AutoShutdownTriggered(ActorRef<?> supervisor, String childId)
      implements SupervisorReport {}

  /** The supervisor has stopped all its children and exits with {@code reason}. */
  record SupervisorExited(ActorRef<?> supervisor, ExitReason reason) implements SupervisorReport {}
}
