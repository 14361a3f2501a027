package io.baton.journal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Optional;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import scala.Option;

/**
 * The bytes of a stored snapshot: the snapshot object and its optional metadata (Pekko's
 * replicated-snapshot metadata), each as Pekko serialized it.
 *
 * <pre>
 *   byte   format (0x01)
 *   part   snapshot
 *   bool   has metadata
 *   part   metadata, if present
 * where part = int32 serializer id, UTF manifest, int32 length, bytes
 * </pre>
 *
 * The store checksums the whole; this codec only needs to be unambiguous.
 */
final class SnapshotCodec {

  private static final byte FORMAT = 0x01;

  record Decoded(Object snapshot, Optional<Object> metadata) {}

  private final Serialization serialization;

  SnapshotCodec(Serialization serialization) {
    this.serialization = serialization;
  }

  byte[] encode(Object snapshot, Option<Object> metadata) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      writePart(out, snapshot);
      out.writeBoolean(metadata.isDefined());
      if (metadata.isDefined()) {
        writePart(out, metadata.get());
      }
    }
    return bytes.toByteArray();
  }

  Decoded decode(byte[] bytes) throws Exception {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    byte format = in.readByte();
    if (format != FORMAT) {
      throw new IOException("unknown snapshot format 0x" + Integer.toHexString(format & 0xff));
    }
    Object snapshot = readPart(in);
    Optional<Object> metadata = in.readBoolean() ? Optional.of(readPart(in)) : Optional.empty();
    return new Decoded(snapshot, metadata);
  }

  private void writePart(DataOutputStream out, Object value) throws Exception {
    Serializer serializer = serialization.findSerializerFor(value);
    byte[] payload = serialization.serialize(value).get();
    out.writeInt(serializer.identifier());
    out.writeUTF(Serializers.manifestFor(serializer, value));
    out.writeInt(payload.length);
    out.write(payload);
  }

  private Object readPart(DataInputStream in) throws Exception {
    int serializerId = in.readInt();
    String manifest = in.readUTF();
    byte[] payload = new byte[in.readInt()];
    in.readFully(payload);
    return serialization.deserialize(payload, serializerId, manifest).get();
  }
}
