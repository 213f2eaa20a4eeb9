package io.powerloom.sequencer.protocol.wire;

import io.powerloom.sequencer.protocol.wire.WireFormatException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Incremental decoder of one {@code /collect} libp2p stream (SPEC §1).
 *
 * <p>The stream is a sequence of messages, each the 36-character textual UUID of the submission
 * immediately followed by exactly one JSON object, with no length prefix and no separator. This
 * decoder accepts the bytes in reads of any size (one byte at a time, or several messages in one
 * read), tolerates whitespace between messages (and between a UUID and its JSON), and emits one
 * {@link Frame} per complete message.
 *
 * <p>The JSON is only <em>framed</em> here (strings, escapes and bracket nesting are tracked, bytes
 * outside strings are checked against the JSON alphabet); full validation is
 * {@link SubmissionCodec#fromGoJson}'s job. Each message (UUID + JSON, plus any whitespace between
 * the two) is bounded by {@code maxMessageBytes}: the decoder fails as soon as the bound is exceeded
 * and never buffers more than the bound. After an exception the decoder is dead: the caller must
 * close the stream. Not thread-safe (one decoder per stream).
 */
public final class CollectStreamDecoder {

    /** One decoded message: the submission's UUID as sent and the raw JSON bytes of its body. */
    public record Frame(String submissionId, byte[] json) {

        /** The JSON text (UTF-8 decoded). */
        public String jsonText() {
            return new String(json, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Frame f && f.submissionId.equals(submissionId) && Arrays.equals(f.json, json);
        }

        @Override
        public int hashCode() {
            return submissionId.hashCode() * 31 + Arrays.hashCode(json);
        }

        @Override
        public String toString() {
            return "Frame[" + submissionId + ", " + jsonText() + "]";
        }
    }

    /** Length of the textual UUID {@code xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}. */
    public static final int UUID_LENGTH = 36;
    /** Deepest JSON nesting accepted (a submission has depth 2). */
    public static final int MAX_DEPTH = 64;

    private static final int BETWEEN = 0;
    private static final int IN_UUID = 1;
    private static final int BEFORE_JSON = 2;
    private static final int IN_JSON = 3;

    /** Bytes allowed outside strings in JSON: whitespace, structure, numbers, true/false/null. */
    private static final boolean[] BARE_OK = new boolean[256];

    private static final boolean[] HEX_OK = new boolean[256];

    static {
        for (char c : " \t\r\n,:-+.0123456789eEtrufalsn{}[]\"".toCharArray()) {
            BARE_OK[c] = true;
        }
        for (char c : "0123456789abcdefABCDEF".toCharArray()) {
            HEX_OK[c] = true;
        }
    }

    private final int maxMessageBytes;
    private final char[] uuid = new char[UUID_LENGTH];
    private byte[] buf;
    private int jsonLen;
    private int uuidLen;
    /** Whitespace bytes between the UUID and the JSON (count towards the bound). */
    private int gapLen;

    private int state = BETWEEN;
    private int depth;
    /** Bit i set: nesting level i+1 is an object; clear: an array. */
    private long objectBits;

    private boolean inString;
    private boolean escape;
    private long frames;
    private String deadReason;
    private byte[] scratch;

    /**
     * @param maxMessageBytes the largest accepted message, UUID and JSON together; at least 38
     *                        (a UUID and {@code {}}) makes sense
     */
    public CollectStreamDecoder(int maxMessageBytes) {
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes must be positive: " + maxMessageBytes);
        }
        this.maxMessageBytes = maxMessageBytes;
        this.buf = new byte[Math.min(maxMessageBytes, 1024)];
    }

    /**
     * Consumes all remaining bytes of {@code in} and hands every completed message to {@code out},
     * in stream order.
     *
     * @throws WireFormatException when the stream breaks the format; the decoder is then dead
     * @throws IllegalStateException when called after an earlier failure
     */
    public void feed(ByteBuffer in, Consumer<Frame> out) throws WireFormatException {
        if (deadReason != null) {
            throw new IllegalStateException("decoder failed earlier (" + deadReason + "); close the stream");
        }
        try {
            if (in.hasArray()) {
                int off = in.arrayOffset() + in.position();
                int end = off + in.remaining();
                try {
                    scan(in.array(), off, end, out);
                } finally {
                    in.position(in.limit());
                }
            } else {
                if (scratch == null) {
                    scratch = new byte[8192];
                }
                while (in.hasRemaining()) {
                    int n = Math.min(scratch.length, in.remaining());
                    in.get(scratch, 0, n);
                    scan(scratch, 0, n, out);
                }
            }
        } catch (WireFormatException e) {
            deadReason = e.getMessage();
            throw e;
        }
    }

    /** Convenience for tests and byte[] sources. */
    public void feed(byte[] in, Consumer<Frame> out) throws WireFormatException {
        feed(ByteBuffer.wrap(in), out);
    }

    /** True when no partial message is buffered (the stream may end here cleanly). */
    public boolean isIdle() {
        return state == BETWEEN;
    }

    /** Number of frames emitted so far. */
    public long framesDecoded() {
        return frames;
    }

    /**
     * Declares the end of the stream.
     *
     * @throws WireFormatException TRUNCATED when a message was only partly received
     */
    public void endOfStream() throws WireFormatException {
        if (deadReason != null) {
            throw new IllegalStateException("decoder failed earlier (" + deadReason + ")");
        }
        if (state == BETWEEN) {
            return;
        }
        String where = switch (state) {
            case IN_UUID -> "inside the UUID after " + uuidLen + " of 36 characters";
            case BEFORE_JSON -> "after the UUID " + new String(uuid) + ", before its JSON";
            default ->
                "inside the JSON of " + new String(uuid) + " after " + jsonLen + " bytes (depth " + depth
                        + (inString ? ", inside a string" : "") + ")";
        };
        WireFormatException e = new WireFormatException(Reason.TRUNCATED, "stream ended " + where);
        deadReason = e.getMessage();
        throw e;
    }

    private void scan(byte[] a, int i, int end, Consumer<Frame> out) throws WireFormatException {
        while (i < end) {
            switch (state) {
                case BETWEEN -> {
                    byte b = a[i];
                    if (isWhitespace(b)) {
                        i++;
                    } else {
                        state = IN_UUID;
                        uuidLen = 0;
                        gapLen = 0;
                        jsonLen = 0;
                    }
                }
                case IN_UUID -> {
                    while (i < end && uuidLen < UUID_LENGTH) {
                        int b = a[i] & 0xFF;
                        if (uuidLen + 1 > maxMessageBytes) {
                            throw oversized();
                        }
                        boolean dashPos = uuidLen == 8 || uuidLen == 13 || uuidLen == 18 || uuidLen == 23;
                        if (dashPos ? b != '-' : !HEX_OK[b]) {
                            throw new WireFormatException(
                                    Reason.BAD_UUID,
                                    "byte " + printable(b)
                                            + " at position " + uuidLen + " of the UUID (expected "
                                            + (dashPos ? "'-'" : "a hex digit") + "), after \""
                                            + new String(uuid, 0, uuidLen) + "\"");
                        }
                        uuid[uuidLen++] = (char) b;
                        i++;
                    }
                    if (uuidLen == UUID_LENGTH) {
                        state = BEFORE_JSON;
                    }
                }
                case BEFORE_JSON -> {
                    byte b = a[i];
                    if (UUID_LENGTH + gapLen + 1 > maxMessageBytes) {
                        throw oversized();
                    }
                    if (isWhitespace(b)) {
                        gapLen++;
                        i++;
                    } else if (b == '{') {
                        state = IN_JSON;
                        depth = 0;
                        objectBits = 0;
                        inString = false;
                        escape = false;
                    } else {
                        throw new WireFormatException(
                                Reason.NOT_JSON_OBJECT,
                                "after UUID " + new String(uuid) + " expected '{', found " + printable(b & 0xFF));
                    }
                }
                default -> i = scanJson(a, i, end, out);
            }
        }
    }

    /** Scans JSON bytes from {@code i}; returns the index after the last consumed byte. */
    private int scanJson(byte[] a, int start, int end, Consumer<Frame> out) throws WireFormatException {
        int used = UUID_LENGTH + gapLen + jsonLen;
        int room = maxMessageBytes - used;
        int limit = room >= end - start ? end : start + room; // never look past the bound (no int overflow)
        int i = start;
        boolean done = false;
        boolean str = inString;
        boolean esc = escape;
        int d = depth;
        long bits = objectBits;
        while (i < limit) {
            int b = a[i++] & 0xFF;
            if (str) {
                if (esc) {
                    esc = false;
                } else if (b == '\\') {
                    esc = true;
                } else if (b == '"') {
                    str = false;
                } else if (b < 0x20) {
                    throw malformed("raw control byte " + printable(b) + " inside a string", jsonLen + (i - start) - 1);
                }
                continue;
            }
            switch (b) {
                case '"' -> str = true;
                case '{', '[' -> {
                    if (d == MAX_DEPTH) {
                        throw malformed("nesting deeper than " + MAX_DEPTH, jsonLen + (i - start) - 1);
                    }
                    if (b == '{') {
                        bits |= 1L << d;
                    } else {
                        bits &= ~(1L << d);
                    }
                    d++;
                }
                case '}', ']' -> {
                    if (d == 0) {
                        throw malformed("unbalanced '" + (char) b + "'", jsonLen + (i - start) - 1);
                    }
                    d--;
                    boolean isObject = (bits & (1L << d)) != 0;
                    if (isObject != (b == '}')) {
                        throw malformed(
                                "'" + (char) b + "' closes " + (isObject ? "an object" : "an array"),
                                jsonLen + (i - start) - 1);
                    }
                    if (d == 0) {
                        done = true;
                    }
                }
                default -> {
                    if (!BARE_OK[b]) {
                        throw malformed(
                                "unexpected byte " + printable(b) + " outside a string", jsonLen + (i - start) - 1);
                    }
                }
            }
            if (done) {
                break;
            }
        }
        int n = i - start;
        ensureCapacity(jsonLen + n);
        System.arraycopy(a, start, buf, jsonLen, n);
        jsonLen += n;
        inString = str;
        escape = esc;
        depth = d;
        objectBits = bits;
        if (done) {
            frames++;
            state = BETWEEN;
            Frame f = new Frame(new String(uuid), Arrays.copyOf(buf, jsonLen));
            jsonLen = 0;
            out.accept(f);
        } else if (i < end) {
            // stopped at the bound with more bytes waiting: the message is too long
            throw oversized();
        }
        return i;
    }

    private void ensureCapacity(int needed) {
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, Math.min(maxMessageBytes, Math.max(needed, buf.length * 2)));
        }
    }

    private WireFormatException oversized() {
        String id = state == IN_UUID ? "a message" : "message " + new String(uuid);
        return new WireFormatException(
                Reason.OVERSIZED, id + " exceeds the bound of " + maxMessageBytes + " bytes (UUID + JSON)");
    }

    private WireFormatException malformed(String what, int offset) {
        return new WireFormatException(
                Reason.MALFORMED_JSON, what + " at JSON offset " + offset + " of message " + new String(uuid));
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static String printable(int b) {
        if (b >= 0x20 && b < 0x7F) {
            return "'" + (char) b + "'";
        }
        return String.format("0x%02x", b);
    }
}
