package dev.wordlm.checkpoint;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Protocol Buffers' wire format, the little of it an ONNX model needs: varints, length-delimited fields (strings,
 * bytes, nested messages, packed int64s) and 32-bit floats. A message is built bottom-up: a nested one is written
 * whole, then embedded with its length. One class of a hundred lines instead of a code generator and a runtime.
 */
final class ProtoWriter {
    private static final int VARINT = 0;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ProtoWriter int64(int field, long value) {
        tag(field, VARINT);
        varint(value);
        return this;
    }

    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter bytes(int field, byte[] value) {
        tag(field, LENGTH_DELIMITED);
        varint(value.length);
        out.writeBytes(value);
        return this;
    }

    ProtoWriter message(int field, ProtoWriter nested) {
        return bytes(field, nested.toByteArray());
    }

    /** A repeated int64 field, packed (proto3's default encoding, which proto2 parsers read too). */
    ProtoWriter packedInt64(int field, long... values) {
        ProtoWriter packed = new ProtoWriter();
        for (long v : values) {
            packed.varint(v);
        }
        return bytes(field, packed.toByteArray());
    }

    ProtoWriter float32(int field, float value) {
        tag(field, FIXED32);
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array());
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void tag(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    /** Base-128, least significant group first; a negative int64 takes all ten bytes, as protobuf writes it. */
    private void varint(long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
