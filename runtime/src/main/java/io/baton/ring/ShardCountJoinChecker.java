package io.baton.ring;

import com.typesafe.config.Config;
import java.util.List;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import org.apache.pekko.cluster.Valid;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A join check, listed in {@code pekko.cluster.configuration-compatibility-check.checkers}: a node
 * whose {@code pekko.cluster.sharding.number-of-shards} differs from the cluster's is refused. With
 * another shard count it would hash entity ids to other shards, so an entity could be started
 * under two shards on two nodes at once.
 */
public final class ShardCountJoinChecker extends JoinConfigCompatChecker {

  static final String KEY = "pekko.cluster.sharding.number-of-shards";

  private static final scala.collection.immutable.Seq<String> KEYS =
      CollectionConverters.asScala(List.of(KEY)).toList();

  /** Created by Pekko, without arguments. */
  public ShardCountJoinChecker() {}

  @Override
  public scala.collection.immutable.Seq<String> requiredKeys() {
    return KEYS;
  }

  @Override
  public ConfigValidation check(Config toCheck, Config actualConfig) {
    if (!toCheck.hasPath(KEY) || !actualConfig.hasPath(KEY)) {
      return Valid.getInstance();
    }
    int theirs;
    int ours;
    try { // the joiner's configuration is a peer's input: a value that is not a number is refused
      theirs = toCheck.getInt(KEY);
      ours = actualConfig.getInt(KEY);
    } catch (com.typesafe.config.ConfigException e) {
      return new Invalid(CollectionConverters.asScala(List.of(
          "the joining node's " + KEY + " is not a shard count: " + e.getMessage())).toList());
    }
    if (theirs == ours) {
      return Valid.getInstance();
    }
    return new Invalid(CollectionConverters.asScala(List.of(
        "the joining node has " + KEY + " = " + theirs + " but the cluster has " + ours
            + ": entities would hash to other shards. Start it with the cluster's value"
            + " (baton.ring.sharding.number-of-shards = " + ours + ")")).toList());
  }
}
