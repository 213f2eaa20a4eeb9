package io.powerloom.sequencer.libp2p.internal.util;

import io.netty.buffer.ByteBuf;
import io.powerloom.sequencer.libp2p.Libp2pException;

/** Unsigned LEB128 varints (multiformats unsigned-varint, protobuf). At most 9 bytes, values up to 2^63-1. */
public final class Varint {
    /** Returned by {@link #read(ByteBuf)} when the buffer ends inside a varint. */
    public static final long INCOMPLETE = -1;

    private static final int MAX_BYTES = 9;

    private Varint() {}

    /** Number of bytes {@code value} takes. */
    public static int size(long value) {
        int n = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            n++;
        }
        return n;
    }

    /** Writes {@code value} (must be non-negative). */
    public static void write(ByteBuf out, long value) {
        if (value < 0) {
            throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "negative varint " + value);
        }
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    /**
     * Reads a varint at the reader index. On success advances the reader index and returns the value; when the
     * buffer ends first, leaves it unchanged and returns {@link #INCOMPLETE}.
     *
     * @throws Libp2pException when the varint is longer than 9 bytes or not minimally encoded
     */
    public static long read(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            if (start + i >= end) {
                return INCOMPLETE;
            }
            int b = in.getByte(start + i) & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new Libp2pException(Libp2pException.Kind.PROTOCOL, "varint not minimally encoded");
                }
                in.readerIndex(start + i + 1);
                return value;
            }
        }
        throw new Libp2pException(Libp2pException.Kind.PROTOCOL, "varint longer than " + MAX_BYTES + " bytes");
    }

    /** Reads a varint from {@code bytes} at {@code pos[0]}, advancing it; throws on truncation. */
    public static long read(byte[] bytes, int[] pos) {
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            if (pos[0] >= bytes.length) {
                throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "truncated varint");
            }
            int b = bytes[pos[0]++] & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "varint longer than " + MAX_BYTES + " bytes");
    }

    /** Encodes {@code value} into a new array. */
    public static byte[] encode(long value) {
        byte[] out = new byte[size(value)];
        int i = 0;
        while ((value & ~0x7FL) != 0) {
            out[i++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[i] = (byte) value;
        return out;
    }
}
