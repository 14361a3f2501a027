package io.baton.samples.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Release 1 writes exactly the fixtures release 2's migration tests read as release-1 data
 * ({@code src/test/fixtures/bank-v1}), at schema version 1: if release 1's classes change, this
 * fails, and the fixtures (and release 2's migrations) must follow.
 */
@Timeout(60)
class AccountV1FormatTest {

  private static ActorTestKit kit;
  private static BankV1Format format;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create("bank-v1-format");
    format = new BankV1Format(kit.system());
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void release1WritesTheFixturesAtVersion1() throws Exception {
    assertWritten(new Account.Deposited(1000, BankV1Format.APPLIED), "deposited");
    assertWritten(new Account.Withdrawn(250, BankV1Format.APPLIED), "withdrawn");
    assertWritten(new Account.State(true, 750, BankV1Format.log()), "state");
  }

  private static void assertWritten(Object value, String fixture) throws Exception {
    BankV1Format.Stored stored = format.write(value);
    assertEquals(BankV1Format.BATON_CBOR, stored.serializerId());
    assertEquals(value.getClass().getName() + "#1", stored.manifest());
    assertEquals(BankV1Format.fixtureJson(fixture), format.json(stored),
        () -> fixture + ".json is not what release 1 writes");
    assertEquals(value, format.read(stored));
  }
}
