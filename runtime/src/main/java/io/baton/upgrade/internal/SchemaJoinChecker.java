package io.baton.upgrade.internal;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import org.apache.pekko.cluster.Valid;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Baton's join check, listed in {@code pekko.cluster.configuration-compatibility-check.checkers}:
 * on the member a joiner contacts, refuses a joiner whose advertised schema versions cannot run
 * with the cluster's active ones ({@link JoinGuard#judge}). Pekko also runs it on the joiner with
 * the member's configuration; there the joiner's gate has decided nothing yet, so it accepts.
 */
public final class SchemaJoinChecker extends JoinConfigCompatChecker {

  private static final scala.collection.immutable.Seq<String> KEYS =
      CollectionConverters.asScala(List.of(JoinGuard.SUPPORTED,
          "pekko.remote.artery.canonical.hostname", "pekko.remote.artery.canonical.port"))
          .toList();

  /** Created by Pekko, without arguments. */
  public SchemaJoinChecker() {}

  @Override
  public scala.collection.immutable.Seq<String> requiredKeys() {
    return KEYS;
  }

  @Override
  public ConfigValidation check(Config toCheck, Config actualConfig) {
    Optional<String> refusal = JoinGuard.judge(toCheck, actualConfig);
    return refusal.<ConfigValidation>map(message ->
            new Invalid(CollectionConverters.asScala(List.of(message)).toList()))
        .orElse(Valid.getInstance());
  }
}
