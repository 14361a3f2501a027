package io.baton.journal;

import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * A port of the Pekko TCK's TestSerializer: serializes {@link TestPayload} as its actor path and
 * fails unless the plugin set Pekko's transport information, as a remote-ready serializer would.
 */
public final class TestSerializer extends SerializerWithStringManifest {

  private final ExtendedActorSystem system;

  public TestSerializer(ExtendedActorSystem system) {
    this.system = system;
  }

  @Override
  public int identifier() {
    return 666;
  }

  @Override
  public String manifest(Object o) {
    return "A";
  }

  @Override
  public byte[] toBinary(Object o) {
    verifyTransportInfo();
    return Serialization.serializedActorPath(((TestPayload) o).ref())
        .getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    verifyTransportInfo();
    if (!manifest.equals("A")) {
      throw new NotSerializableException("unknown manifest " + manifest);
    }
    return new TestPayload(
        system.provider().resolveActorRef(new String(bytes, StandardCharsets.UTF_8)));
  }

  private void verifyTransportInfo() {
    // Throws IllegalStateException when the information was not set.
    Serialization.Information info = Serialization.getCurrentTransportInformation();
    if (info.system() != system) {
      throw new IllegalStateException("wrong system in currentTransportInformation");
    }
    if (!info.address().equals(system.provider().getDefaultAddress())) {
      throw new IllegalStateException("wrong address in currentTransportInformation");
    }
  }
}
