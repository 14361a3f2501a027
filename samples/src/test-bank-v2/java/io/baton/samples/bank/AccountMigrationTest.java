package io.baton.samples.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.client.IdempotentCommands.Decision;
import io.baton.upgrade.ActiveVersions;
import io.baton.upgrade.SchemaVersionException;
import io.baton.upgrade.SchemaVersions;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Release 2 of the bank's account against release 1's data, through Baton's serializer as a node
 * runs it: release-1 events and state (the fixtures {@code AccountV1FormatTest} checks release 1
 * writes) read as release-2 values, release-2 values written in exactly release 1's format while
 * the cluster is mixed, and data of an unknown newer release refused clearly. Also the overdraft
 * rules of the release-2 account. Runs on the release-2 classes (the {@code test-bank-v2}
 * execution of samples/pom.xml).
 */
@Timeout(60)
class AccountMigrationTest {

  private static final String DEPOSITED = Account.Deposited.class.getName();
  private static final String WITHDRAWN = Account.Withdrawn.class.getName();
  private static final String STATE = Account.State.class.getName();

  private static ActorTestKit kit;
  private static BankV1Format format;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create("bank-v2-migrations");
    format = new BankV1Format(kit.system());
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @AfterEach
  void currentVersions() {
    SchemaVersions.get(kit.system()).useActiveVersions(ActiveVersions.CURRENT);
  }

  /** These are the release-2 classes, not release 1's of the same names. */
  @Test
  void theTestRunsOnRelease2() {
    assertEquals(2, BankRelease.ACCOUNT.number());
    SchemaVersions versions = SchemaVersions.get(kit.system());
    assertEquals(2, versions.schemaOf(Account.Withdrawn.class).currentVersion());
    assertEquals(2, versions.schemaOf(Account.State.class).currentVersion());
  }

  /** Release 1's events read with the renamed field, and its state with no overdraft limit. */
  @Test
  void release1DataReadsAsRelease2Values() throws Exception {
    assertEquals(new Account.Deposited(1000, BankV1Format.APPLIED),
        format.read(format.fixture("deposited", DEPOSITED + "#1")));
    assertEquals(new Account.Withdrawn(250, BankV1Format.APPLIED),
        format.read(format.fixture("withdrawn", WITHDRAWN + "#1")));
    assertEquals(new Account.State(true, 750, 0, BankV1Format.log()),
        format.read(format.fixture("state", STATE + "#1")));
  }

  /** Once every node runs release 2, its format is written: version 2, the new names. */
  @Test
  void release2WritesVersion2WhenTheClusterReadsIt() throws Exception {
    Account.Withdrawn withdrawn = new Account.Withdrawn(250, BankV1Format.APPLIED);
    BankV1Format.Stored stored = format.write(withdrawn);
    assertEquals(WITHDRAWN + "#2", stored.manifest());
    JsonNode json = format.json(stored);
    assertEquals(250, json.get("amountInCents").asLong());
    assertFalse(json.has("amount"), json.toString());
    assertEquals(withdrawn, format.read(stored));

    Account.State state = new Account.State(true, -300, 500, BankV1Format.log());
    BankV1Format.Stored storedState = format.write(state);
    assertEquals(STATE + "#2", storedState.manifest());
    assertEquals(500, format.json(storedState).get("overdraftLimit").asLong());
    assertEquals(state, format.read(storedState));
  }

  /**
   * While the cluster still reads only version 1, release 2 writes exactly what release 1 writes
   * (the fixtures), so that a release-1 node can replay it; and reads it back unchanged.
   */
  @Test
  void whileMixedRelease2WritesRelease1sFormat() throws Exception {
    SchemaVersions.get(kit.system()).useActiveVersions((name, current) -> 1);
    assertWrittenAsRelease1(new Account.Deposited(1000, BankV1Format.APPLIED), "deposited");
    assertWrittenAsRelease1(new Account.Withdrawn(250, BankV1Format.APPLIED), "withdrawn");
    assertWrittenAsRelease1(new Account.State(true, 750, 0, BankV1Format.log()), "state");
  }

  /** Data of a release newer than 2 is refused, naming the class, the version and what it reads. */
  @Test
  void anUnknownNewerVersionIsRefusedClearly() throws Exception {
    ObjectNode v3 = (ObjectNode) BankV1Format.fixtureJson("withdrawn");
    v3.set("amountInMillis", v3.remove("amount"));
    BankV1Format.Stored stored = format.raw(WITHDRAWN + "#3", v3);
    Exception failure = assertThrows(Exception.class, () -> format.read(stored));
    SchemaVersionException error = assertInstanceOf(SchemaVersionException.class, failure);
    assertEquals(WITHDRAWN, error.className());
    assertEquals(3, error.foundVersion());
    String message = error.getMessage();
    assertTrue(message.contains(WITHDRAWN + " at schema version 3"), message);
    assertTrue(message.contains("reads versions 1 to 2"), message);
  }

  /** A withdrawal may go below zero down to minus the limit, not further. */
  @Test
  void withdrawalsMayUseTheOverdraftUpToTheLimit() {
    Account.State state = new Account.State(true, 100, 500, BankV1Format.log());
    assertEquals(new AccountOutcome.Accepted(-400),
        applied(Account.decide(state, new AccountOperation.Withdraw(500), () -> 2)));
    assertEquals(new AccountOutcome.Accepted(-400),
        applied(Account.decide(state, new AccountOperation.Withdraw(500), () -> 1)));
    assertEquals(new AccountOutcome.Refused(AccountOutcome.Refused.INSUFFICIENT_FUNDS, 100),
        applied(Account.decide(state, new AccountOperation.Withdraw(601), () -> 2)));
    Account.State noLimit = new Account.State(true, 100, 0, BankV1Format.log());
    assertEquals(new AccountOutcome.Refused(AccountOutcome.Refused.INSUFFICIENT_FUNDS, 100),
        applied(Account.decide(noLimit, new AccountOperation.Withdraw(101), () -> 2)));
  }

  /** The limit is only accepted once the cluster writes version 2 of the state. */
  @Test
  void theOverdraftLimitWaitsUntilEveryNodeRunsRelease2() {
    Account.State state = new Account.State(true, 100, 0, BankV1Format.log());
    Decision<Account.Event, AccountOutcome> mixed =
        Account.decide(state, new AccountOperation.SetOverdraftLimit(500), () -> 1);
    assertEquals(Account.RELEASE_2_PENDING,
        assertInstanceOf(Decision.Reject.class, mixed).reason());

    Decision<Account.Event, AccountOutcome> upgraded =
        Account.decide(state, new AccountOperation.SetOverdraftLimit(500), () -> 2);
    var apply = assertInstanceOf(Decision.Apply.class, upgraded);
    Object event = apply.event().apply(BankV1Format.APPLIED);
    assertEquals(new Account.OverdraftLimitSet(500, BankV1Format.APPLIED), event);

    assertInstanceOf(Decision.Reject.class,
        Account.decide(state, new AccountOperation.SetOverdraftLimit(-1), () -> 2));
  }

  private static AccountOutcome applied(Decision<Account.Event, AccountOutcome> decision) {
    return ((Decision.Apply<Account.Event, AccountOutcome>) decision).result();
  }

  private static void assertWrittenAsRelease1(Object value, String fixture) throws Exception {
    BankV1Format.Stored stored = format.write(value);
    assertEquals(value.getClass().getName() + "#1", stored.manifest());
    assertEquals(BankV1Format.fixtureJson(fixture), format.json(stored),
        () -> "release 2 wrote " + fixture + " differently from release 1");
    assertEquals(value, format.read(stored));
  }
}
