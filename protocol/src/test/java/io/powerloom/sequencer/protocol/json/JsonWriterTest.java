package io.powerloom.sequencer.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * JsonWriter's string escaping against a frozen copy of the reference algorithm (the current one), so
 * that any future fast path must stay byte-identical.
 */
class JsonWriterTest {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** JsonWriter.appendString as of this test's writing, verbatim apart from being static. */
    static String reference(String s, JsonWriter.Style style) {
        StringBuilder out = new StringBuilder();
        out.append('"');
        final boolean go = style == JsonWriter.Style.GO_ENCODING_JSON;
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
                    i++;
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
        return out.toString();
    }

    static String written(String s, JsonWriter.Style style) {
        return new JsonWriter(style).value(s).toText();
    }

    /** Chars the style rules treat specially, their neighbours, and ordinary text. */
    private static final char[] INTERESTING = buildInteresting();

    private static char[] buildInteresting() {
        StringBuilder b = new StringBuilder();
        for (char c = 0; c < 0x100; c++) {
            b.append(c); // all of ASCII (controls, " \ < > &, DEL) and Latin-1
        }
        b.append("\u2027\u2028\u2029\u202a\u00e9\u20ac\u4e2d\ufffd\ufffe\uffff");
        b.append("\ud7ff\ud800\udbff\udc00\udfff\ue000");
        b.append("\ud83d\ude00"); // a valid pair when adjacent in this order
        return b.toString().toCharArray();
    }

    private static String randomString(SplittableRandom rnd) {
        int len = rnd.nextInt(0, 80);
        StringBuilder b = new StringBuilder(len);
        int mode = rnd.nextInt(4);
        for (int k = 0; k < len; k++) {
            switch (mode) {
                case 0 -> b.append(INTERESTING[rnd.nextInt(INTERESTING.length)]);
                case 1 -> b.append((char) rnd.nextInt(0x20, 0x7f)); // printable ASCII, mostly raw
                case 2 -> b.append((char) rnd.nextInt(0x10000)); // any UTF-16 unit
                default -> {
                    // mostly plain text with the occasional special char, as in real documents
                    if (rnd.nextInt(10) == 0) {
                        b.append(INTERESTING[rnd.nextInt(INTERESTING.length)]);
                    } else if (rnd.nextInt(20) == 0) {
                        b.appendCodePoint(rnd.nextInt(0x10000, 0x110000)); // non-BMP, a valid pair
                    } else {
                        b.append((char) rnd.nextInt('a', 'z' + 1));
                    }
                }
            }
        }
        return b.toString();
    }

    @ParameterizedTest
    @EnumSource(JsonWriter.Style.class)
    void everySingleCharMatchesReference(JsonWriter.Style style) {
        for (int c = 0; c <= 0xFFFF; c++) {
            String s = String.valueOf((char) c);
            assertThat(written(s, style)).as("U+%04X", c).isEqualTo(reference(s, style));
            String framed = "ab" + (char) c + "cd";
            assertThat(written(framed, style)).as("ab U+%04X cd", c).isEqualTo(reference(framed, style));
            assertThat(JsonWriter.encodedLength(framed, style))
                    .as("length of ab U+%04X cd", c)
                    .isEqualTo(utf8Length(written(framed, style)));
        }
    }

    @ParameterizedTest
    @EnumSource(JsonWriter.Style.class)
    void randomStringsMatchReference(JsonWriter.Style style) {
        SplittableRandom rnd = new SplittableRandom(style.ordinal() * 31L + 7);
        for (int i = 0; i < 200_000; i++) {
            String s = randomString(rnd);
            assertThat(written(s, style))
                    .as("%s", s.chars().mapToObj(c -> String.format("%04x", c)).toList())
                    .isEqualTo(reference(s, style));
            assertThat(JsonWriter.encodedLength(s, style)).isEqualTo(utf8Length(written(s, style)));
        }
    }

    @ParameterizedTest
    @EnumSource(JsonWriter.Style.class)
    void edgeCasesMatchReference(JsonWriter.Style style) {
        String[] cases = {
            "",
            "plain",
            "\"",
            "\\",
            "a\"b\\c",
            "\n\r\t\b\f\u0000\u001f",
            "<a href=\"x\">&amp;</a>",
            "\u2028\u2029",
            "x\u2028",
            "\u2029x",
            "\ud83d\ude00",
            "\ud83d",
            "\ude00",
            "\ude00\ud83d",
            "a\ud83d",
            "\ud83d\ud83d\ude00",
            "\ud83d\ude00\ude00",
            "caf\u00e9 \u20ac",
            "\u007f\u0080\u00ff",
            "{\"request\":{\"slotId\":1,\"projectId\":\"a\\u003cb\"},\"signature\":\"ab\"}"
        };
        for (String s : cases) {
            assertThat(written(s, style)).isEqualTo(reference(s, style));
            assertThat(JsonWriter.encodedLength(s, style)).as(s).isEqualTo(utf8Length(written(s, style)));
            // names go through the same escaping
            assertThat(new JsonWriter(style)
                            .beginObject()
                            .name(s)
                            .value(1)
                            .endObject()
                            .toText())
                    .isEqualTo("{" + reference(s, style) + ":1}");
        }
    }

    @Test
    void knownForms() {
        assertThat(written("<&>\u2028\"\\\n\u0001\ud800", JsonWriter.Style.GO_ENCODING_JSON))
                .isEqualTo("\"\\u003c\\u0026\\u003e\\u2028\\\"\\\\\\n\\u0001\\ufffd\"");
        assertThat(written("<&>\u2028\"\\\n\u0001\ud800", JsonWriter.Style.MINIMAL))
                .isEqualTo("\"<&>\u2028\\\"\\\\\\n\\u0001\\ufffd\"");
    }

    private static int utf8Length(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
}
