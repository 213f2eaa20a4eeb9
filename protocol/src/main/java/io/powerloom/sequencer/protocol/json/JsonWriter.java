package io.powerloom.sequencer.protocol.json;

import java.nio.charset.StandardCharsets;

/**
 * A tiny hand-written compact JSON writer, so that every JSON document this project produces is
 * deterministic byte for byte (key order as written, no whitespace, fixed escaping rules).
 *
 * <p>Two escaping styles exist because two Go encoders must be reproduced exactly:
 * <ul>
 *   <li>{@link Style#GO_ENCODING_JSON}: Go's {@code encoding/json} (Go 1.22+): {@code < > &} as
 *       {@code &#92;u003c &#92;u003e &#92;u0026}, U+2028/U+2029 escaped, {@code \b \f \n \r \t} short forms,
 *       other control characters as {@code &#92;u00XX} (lower-case hex); everything else raw UTF-8.</li>
 *   <li>{@link Style#MINIMAL}: Go's {@code protojson} encoder, also used for our own Kafka records:
 *       only {@code "}, {@code \}, and characters below U+0020 are escaped.</li>
 * </ul>
 * Unpaired UTF-16 surrogates (which cannot be UTF-8 encoded) are written as {@code &#92;ufffd}, as Go
 * does for invalid UTF-8.
 */
public final class JsonWriter {

    /** Which Go encoder's string escaping to reproduce. */
    public enum Style {
        GO_ENCODING_JSON,
        MINIMAL
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out;
    private final Style style;
    /** true when the next value inside the current object/array needs a leading comma. */
    private boolean needComma;

    public JsonWriter(Style style) {
        this(style, 256);
    }

    public JsonWriter(Style style, int capacityHint) {
        this.style = style;
        this.out = new StringBuilder(capacityHint);
    }

    public JsonWriter beginObject() {
        comma();
        out.append('{');
        needComma = false;
        return this;
    }

    public JsonWriter endObject() {
        out.append('}');
        needComma = true;
        return this;
    }

    public JsonWriter beginArray() {
        comma();
        out.append('[');
        needComma = false;
        return this;
    }

    public JsonWriter endArray() {
        out.append(']');
        needComma = true;
        return this;
    }

    /** Writes {@code "name":} ; the value must follow. */
    public JsonWriter name(String name) {
        comma();
        appendString(name);
        out.append(':');
        needComma = false;
        return this;
    }

    public JsonWriter value(String s) {
        comma();
        appendString(s);
        needComma = true;
        return this;
    }

    /** Writes a number as an unsigned 64-bit integer. */
    public JsonWriter unsignedValue(long v) {
        comma();
        out.append(Long.toUnsignedString(v));
        needComma = true;
        return this;
    }

    public JsonWriter value(long v) {
        comma();
        out.append(v);
        needComma = true;
        return this;
    }

    public JsonWriter value(boolean b) {
        comma();
        out.append(b);
        needComma = true;
        return this;
    }

    /** Writes an unsigned 64-bit integer as a JSON string (protojson's uint64 form). */
    public JsonWriter unsignedStringValue(long v) {
        return value(Long.toUnsignedString(v));
    }

    /** Appends pre-rendered JSON text verbatim (caller guarantees it is one valid JSON value). */
    public JsonWriter rawValue(String json) {
        comma();
        out.append(json);
        needComma = true;
        return this;
    }

    public String toText() {
        return out.toString();
    }

    public byte[] toBytes() {
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The number of UTF-8 bytes {@link #value(String)} writes for {@code s} in {@code style}, quotes included, computed
     * without writing it: lets a caller size a document before building it.
     */
    public static int encodedLength(String s, Style style) {
        final boolean go = style == Style.GO_ENCODING_JSON;
        final int n = s.length();
        int len = 2;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20) {
                len += c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t' ? 2 : 6;
            } else if (c == '"' || c == '\\') {
                len += 2;
            } else if (c < 0x80) {
                len += go && (c == '<' || c == '>' || c == '&') ? 6 : 1;
            } else if (c < 0x800) {
                len += 2;
            } else if (go && (c == '\u2028' || c == '\u2029')) {
                len += 6;
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    len += 4; // a pair is one supplementary code point: 4 bytes of UTF-8
                    i++;
                } else {
                    len += 6; // \ufffd
                }
            } else {
                len += 3;
            }
        }
        return len;
    }

    private void comma() {
        if (needComma) {
            out.append(',');
        }
    }

    private void appendString(String s) {
        out.append('"');
        final boolean go = style == Style.GO_ENCODING_JSON;
        final int n = s.length();
        int start = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            String shortForm = null;
            boolean unicodeEscape = false;
            if (c < 0x20) {
                switch (c) {
                    case '\b' -> shortForm = "\\b";
                    case '\f' -> shortForm = "\\f";
                    case '\n' -> shortForm = "\\n";
                    case '\r' -> shortForm = "\\r";
                    case '\t' -> shortForm = "\\t";
                    default -> unicodeEscape = true;
                }
            } else if (c == '"') {
                shortForm = "\\\"";
            } else if (c == '\\') {
                shortForm = "\\\\";
            } else if (go && (c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029')) {
                unicodeEscape = true;
            } else if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1));
                if (paired) {
                    i++; // keep the pair, it is valid UTF-16
                    continue;
                }
                out.append(s, start, i).append("\\ufffd");
                start = i + 1;
                continue;
            } else {
                continue;
            }
            out.append(s, start, i);
            if (shortForm != null) {
                out.append(shortForm);
            } else if (unicodeEscape) {
                out.append("\\u")
                        .append(HEX[(c >> 12) & 0xF])
                        .append(HEX[(c >> 8) & 0xF])
                        .append(HEX[(c >> 4) & 0xF])
                        .append(HEX[c & 0xF]);
            }
            start = i + 1;
        }
        out.append(s, start, n);
        out.append('"');
    }
}
