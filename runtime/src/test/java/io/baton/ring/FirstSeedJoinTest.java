package io.baton.ring;

import static io.baton.ring.FirstSeedJoin.Decision.START_CLUSTER;
import static io.baton.ring.FirstSeedJoin.Decision.WAIT;
import static io.baton.ring.FirstSeedJoin.SeedState.MEMBER;
import static io.baton.ring.FirstSeedJoin.SeedState.NOT_MEMBER;
import static io.baton.ring.FirstSeedJoin.SeedState.REFUSED;
import static io.baton.ring.FirstSeedJoin.SeedState.SILENT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The first seed's rule: a new cluster only when no other seed is, or may be, a member. */
@Timeout(10)
class FirstSeedJoinTest {

  @Test
  void aColdStartOfEverySeedStartsOneClusterAtOnce() {
    assertEquals(START_CLUSTER, FirstSeedJoin.decide(List.of(NOT_MEMBER, NOT_MEMBER)));
  }

  @Test
  void aLoneFirstSeedWhosePeersRunNoProcessStartsACluster() {
    assertEquals(START_CLUSTER, FirstSeedJoin.decide(List.of(REFUSED, REFUSED)));
    assertEquals(START_CLUSTER, FirstSeedJoin.decide(List.of(REFUSED, NOT_MEMBER)));
  }

  @Test
  void aMemberAmongThePeersMeansJoiningItsCluster() {
    assertEquals(WAIT, FirstSeedJoin.decide(List.of(REFUSED, MEMBER)));
    assertEquals(WAIT, FirstSeedJoin.decide(List.of(NOT_MEMBER, MEMBER)));
  }

  @Test
  void aSilentPeerMayBeAMemberSoTheFirstSeedWaitsHoweverLong() {
    assertEquals(WAIT, FirstSeedJoin.decide(List.of(REFUSED, SILENT)));
    assertEquals(WAIT, FirstSeedJoin.decide(List.of(NOT_MEMBER, SILENT)));
  }
}
