package io.powerloom.sequencer.protocol.json;

import java.nio.charset.StandardCharsets;

/**
 * JSON string escaping straight from UTF-8 bytes to UTF-8 bytes, in {@link JsonWriter.Style#MINIMAL}: for text that
 * is already UTF-8 (the submissions' protobuf-JSON), it gives exactly the bytes {@link JsonWriter#value(String)}
 * gives for the decoded string, without decoding it, building a {@code StringBuilder} and encoding it again.
 *
 * <p>Only valid UTF-8 may be escaped this way (the two paths differ on malformed input, which decoding replaces with
 * U+FFFD): {@link #normalize(byte[])} makes any bytes valid exactly as decoding and re-encoding would.
 */
public final class Utf8Json {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private Utf8Json() {}

    /**
     * {@code utf8} itself when it is valid UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
     * U+10FFFF), else the bytes of {@code new String(utf8, UTF_8)} (malformed sequences replaced by U+FFFD).
     */
    public static byte[] normalize(byte[] utf8) {
        return isValidUtf8(utf8) ? utf8 : new String(utf8, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
    }

    /** Whether {@code b} is well-formed UTF-8 (RFC 3629). */
    public static boolean isValidUtf8(byte[] b) {
        int i = 0;
        final int n = b.length;
        while (i < n) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            int need;
            int min;
            if (c >= 0xc2 && c <= 0xdf) {
                need = 1;
                min = 0x80;
            } else if (c >= 0xe0 && c <= 0xef) {
                need = 2;
                min = 0x800;
            } else if (c >= 0xf0 && c <= 0xf4) {
                need = 3;
                min = 0x10000;
            } else {
                return false; // a continuation byte, C0/C1 (always overlong) or F5..FF
            }
            if (i + need >= n) {
                return false; // truncated
            }
            int cp = c & (0x3f >> need);
            for (int k = 1; k <= need; k++) {
                int d = b[i + k] & 0xff;
                if ((d & 0xc0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (d & 0x3f);
            }
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                return false;
            }
            i += need + 1;
        }
        return true;
    }

    /**
     * {@code text} as a quoted JSON string (UTF-8, {@link JsonWriter.Style#MINIMAL} escapes): the bytes
     * {@link JsonWriter#value(String)} gives for {@code new String(text, UTF_8)}. Malformed UTF-8 is first made valid
     * as {@link #normalize} does.
     */
    public static byte[] quote(byte[] text) {
        byte[] valid = normalize(text);
        byte[] out = new byte[quotedLength(valid)];
        write(valid, out, 0);
        return out;
    }

    /** Bytes {@link #write} produces for valid UTF-8 {@code text}, quotes included. */
    public static int quotedLength(byte[] text) {
        int len = 2 + text.length;
        for (byte x : text) {
            int c = x & 0xff;
            if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
                len += 1;
            } else if (c < 0x20) {
                len += 5;
            }
        }
        return len;
    }

    /** Writes valid UTF-8 {@code text} as a quoted JSON string at {@code out[pos]}; returns the position after it. */
    public static int write(byte[] text, byte[] out, int pos) {
        out[pos++] = '"';
        int start = 0;
        for (int i = 0; i < text.length; i++) {
            int c = text[i] & 0xff;
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            System.arraycopy(text, start, out, pos, i - start);
            pos += i - start;
            out[pos++] = '\\';
            switch (c) {
                case '"' -> out[pos++] = '"';
                case '\\' -> out[pos++] = '\\';
                case '\b' -> out[pos++] = 'b';
                case '\f' -> out[pos++] = 'f';
                case '\n' -> out[pos++] = 'n';
                case '\r' -> out[pos++] = 'r';
                case '\t' -> out[pos++] = 't';
                default -> {
                    out[pos++] = 'u';
                    out[pos++] = '0';
                    out[pos++] = '0';
                    out[pos++] = HEX[c >> 4];
                    out[pos++] = HEX[c & 0xf];
                }
            }
            start = i + 1;
        }
        System.arraycopy(text, start, out, pos, text.length - start);
        pos += text.length - start;
        out[pos++] = '"';
        return pos;
    }
}
