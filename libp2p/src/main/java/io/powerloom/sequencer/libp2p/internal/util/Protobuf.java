package io.powerloom.sequencer.libp2p.internal.util;

import io.powerloom.sequencer.libp2p.Libp2pException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The few protobuf (proto2/proto3 wire format) pieces libp2p's small messages need: a writer and a reader of
 * varint and length-delimited fields. Unknown fields are skipped.
 */
public final class Protobuf {
    private Protobuf() {}

    /** Appends fields in the order called. */
    public static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

        public Writer varint(int field, long value) {
            tag(field, 0);
            out.writeBytes(Varint.encode(value));
            return this;
        }

        public Writer bytes(int field, byte[] value) {
            tag(field, 2);
            out.writeBytes(Varint.encode(value.length));
            out.writeBytes(value);
            return this;
        }

        public Writer string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        private void tag(int field, int wireType) {
            out.writeBytes(Varint.encode(((long) field << 3) | wireType));
        }

        public byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    /** One decoded field: varint fields have {@code value}, length-delimited ones {@code bytes}. */
    public record Field(int number, long value, byte[] bytes) {
        public String string() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Decodes all fields of a message. */
    public static List<Field> parse(byte[] message) {
        List<Field> fields = new ArrayList<>();
        int[] pos = {0};
        while (pos[0] < message.length) {
            long key = Varint.read(message, pos);
            int number = (int) (key >>> 3);
            int wireType = (int) (key & 7);
            switch (wireType) {
                case 0 -> fields.add(new Field(number, Varint.read(message, pos), null));
                case 1 -> skip(message, pos, 8);
                case 2 -> {
                    long len = Varint.read(message, pos);
                    if (len < 0 || len > message.length - pos[0]) {
                        throw new Libp2pException(
                                Libp2pException.Kind.INVALID_INPUT,
                                "protobuf field " + number + " length " + len + " beyond message end");
                    }
                    byte[] b = new byte[(int) len];
                    System.arraycopy(message, pos[0], b, 0, b.length);
                    pos[0] += b.length;
                    fields.add(new Field(number, 0, b));
                }
                case 5 -> skip(message, pos, 4);
                default ->
                    throw new Libp2pException(
                            Libp2pException.Kind.INVALID_INPUT,
                            "unsupported protobuf wire type " + wireType + " for field " + number);
            }
        }
        return fields;
    }

    /** The first field with {@code number}, or null. */
    public static Field first(List<Field> fields, int number) {
        for (Field f : fields) {
            if (f.number() == number) {
                return f;
            }
        }
        return null;
    }

    private static void skip(byte[] message, int[] pos, int n) {
        if (pos[0] + n > message.length) {
            throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "truncated protobuf fixed field");
        }
        pos[0] += n;
    }
}
