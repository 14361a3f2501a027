package io.baton.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.typesafe.config.ConfigFactory;
import io.baton.ring.RingSuccessorAllocation;
import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.junit.jupiter.api.Test;

/**
 * {@code BatonNode.register} wraps a user's entity behaviour (to measure its load) with Pekko's
 * public API only, and keeps every setting the user gave the entity.
 */
class EntityRewrapTest {

  /** Property: every setting of the entity survives the new behaviour factory. */
  @Test
  void everySettingOfTheEntityIsKept() throws Exception {
    EntityTypeKey<String> key = EntityTypeKey.create(String.class, "rewrap");
    ClusterShardingSettings settings = ClusterShardingSettings.fromConfig(
        ConfigFactory.load().getConfig("pekko.cluster.sharding")).withRememberEntities(true);
    Props props = DispatcherSelector.blocking();
    HashCodeMessageExtractor<String> extractor = new HashCodeMessageExtractor<>(7);
    RingSuccessorAllocation strategy = RingSuccessorAllocation.create(2);
    Entity<String, ShardingEnvelope<String>> entity = Entity.of(key, ctx -> Behaviors.empty())
        .withStopMessage("stop").withEntityProps(props).withSettings(settings)
        .withMessageExtractor(extractor).withAllocationStrategy(strategy).withRole("bank")
        .withDataCenter("dc-east");
    Behavior<String> replacement = Behaviors.ignore();

    Entity<String, ShardingEnvelope<String>> copy =
        BatonNode.withBehaviour(entity, ctx -> replacement);

    assertSame(replacement, copy.createBehavior().apply(null));
    assertEquals(key, copy.typeKey());
    assertEquals(Optional.of("stop"), copy.stopMessage());
    assertSame(props, copy.entityProps());
    assertSame(settings, copy.settings().orElseThrow());
    assertSame(extractor, copy.messageExtractor().orElseThrow());
    assertSame(strategy, copy.allocationStrategy().orElseThrow());
    assertEquals(Optional.of("bank"), copy.role());
    assertEquals(Optional.of("dc-east"), copy.dataCenter());
  }

  /** Property: what the user left unset stays unset. */
  @Test
  void unsetSettingsStayUnset() throws Exception {
    EntityTypeKey<String> key = EntityTypeKey.create(String.class, "plain");
    Entity<String, ShardingEnvelope<String>> copy = BatonNode.withBehaviour(
        Entity.of(key, ctx -> Behaviors.empty()), ctx -> Behaviors.ignore());
    assertFalse(copy.stopMessage().isPresent());
    assertFalse(copy.settings().isPresent());
    assertFalse(copy.messageExtractor().isPresent());
    assertFalse(copy.allocationStrategy().isPresent());
    assertFalse(copy.role().isPresent());
    assertFalse(copy.dataCenter().isPresent());
    assertEquals(Props.empty(), copy.entityProps());
  }
}
