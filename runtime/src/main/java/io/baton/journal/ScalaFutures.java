package io.baton.journal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/** Hands a plugin's Java stage to Pekko Persistence as a Scala future that fails with the real cause. */
final class ScalaFutures {

  private ScalaFutures() {}

  /**
   * Pekko reports a plugin's failure to the behaviour as it is, so a {@link CompletionException}
   * wrapper would hide the reason (a fencing refusal, a replica that did not answer).
   */
  static <T> Future<T> unwrapped(CompletionStage<T> stage) {
    CompletableFuture<T> result = new CompletableFuture<>();
    stage.whenComplete((value, failure) -> {
      if (failure == null) {
        result.complete(value);
      } else {
        result.completeExceptionally(failure instanceof CompletionException
            && failure.getCause() != null ? failure.getCause() : failure);
      }
    });
    return FutureConverters.asScala(result);
  }
}
