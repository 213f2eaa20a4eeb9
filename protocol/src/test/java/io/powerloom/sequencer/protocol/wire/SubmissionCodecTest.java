package io.powerloom.sequencer.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.powerloom.sequencer.protocol.wire.WireFormatException.Reason;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Go {@code encoding/json} / protojson compatibility. The expected strings were written by hand from
 * Go's rules (struct field order, omitempty, pointer fields, HTML-safe escaping, Go 1.22+ short
 * escapes for \b and \f).
 */
class SubmissionCodecTest {

    static final String SIG = "6bfb2b1e8b9f31983eb6091d79a4b0a4f6eb8d23f399456ed71d764e05396a7453fa6c13ed8f8a4e"
            + "120a87f507d263b0a23a50318f04e0dc6777e7a3c851a8951b";

    static SnapshotSubmission sample(String projectId, long epochId, String nodeVersion) {
        return new SnapshotSubmission(
                new Request(1, 100, "bafkrei", epochId, projectId), SIG, "0x01", "0xdm", nodeVersion);
    }

    static String go(SnapshotSubmission s) {
        return new String(SubmissionCodec.toGoJson(s), StandardCharsets.UTF_8);
    }

    static SnapshotSubmission parse(String json) throws WireFormatException {
        return SubmissionCodec.fromGoJson(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void goJsonIsByteExactWithHtmlEscaping() {
        assertThat(go(sample("a<b>&c", 5, null)))
                .isEqualTo("{\"request\":{\"slotId\":1,\"deadline\":100,\"snapshotCid\":\"bafkrei\",\"epochId\":5,"
                        + "\"projectId\":\"a\\u003cb\\u003e\\u0026c\"},\"signature\":\"" + SIG
                        + "\",\"header\":\"0x01\",\"dataMarket\":\"0xdm\"}");
    }

    @Test
    void goJsonOmitsZeroValuesButKeepsASetEmptyNodeVersion() {
        SnapshotSubmission sim = new SnapshotSubmission(new Request(0, 0, "", 0, ""), SIG, "", "0xdm", "");
        assertThat(go(sim))
                .isEqualTo(
                        "{\"request\":{},\"signature\":\"" + SIG + "\",\"dataMarket\":\"0xdm\",\"nodeVersion\":\"\"}");
        assertThat(go(sample("p", 0, "v1.2.3")))
                .isEqualTo(
                        "{\"request\":{\"slotId\":1,\"deadline\":100,\"snapshotCid\":\"bafkrei\",\"projectId\":\"p\"},"
                                + "\"signature\":\"" + SIG + "\",\"header\":\"0x01\",\"dataMarket\":\"0xdm\","
                                + "\"nodeVersion\":\"v1.2.3\"}");
    }

    @Test
    void goJsonEscapesControlsAndLineSeparators() {
        String pid = "q\"\\/\u0001\b\f\n\r\t\u001f\u007f\u2028\u2029é日🚀";
        String expectedPid = "q\\\"\\\\/\\u0001\\b\\f\\n\\r\\t\\u001f\u007f\\u2028\\u2029é日🚀";
        assertThat(go(sample(pid, 5, null))).contains("\"projectId\":\"" + expectedPid + "\"");
        // invalid UTF-16 (a lone surrogate) becomes U+FFFD as Go does with invalid UTF-8
        assertThat(go(sample("a\ud800b", 5, null))).contains("\"projectId\":\"a\\ufffdb\"");
    }

    @Test
    void uint64MaxIsWrittenUnsigned() {
        SnapshotSubmission s = new SnapshotSubmission(new Request(-1L, -1L, "c", -1L, "p"), SIG, "h", "d", null);
        assertThat(go(s))
                .startsWith("{\"request\":{\"slotId\":18446744073709551615,\"deadline\":18446744073709551615,"
                        + "\"snapshotCid\":\"c\",\"epochId\":18446744073709551615,");
        assertThat(SubmissionCodec.toProtoJson(s)).startsWith("{\"request\":{\"slotId\":\"18446744073709551615\"");
    }

    @Test
    void protoJsonUsesStringsForUint64AndNoHtmlEscaping() {
        assertThat(SubmissionCodec.toProtoJson(sample("a<b>&c\u2028\n", 5, null)))
                .isEqualTo(
                        "{\"request\":{\"slotId\":\"1\",\"deadline\":\"100\",\"snapshotCid\":\"bafkrei\",\"epochId\":\"5\","
                                + "\"projectId\":\"a<b>&c\u2028\\n\"},\"signature\":\"" + SIG
                                + "\",\"header\":\"0x01\",\"dataMarket\":\"0xdm\"}");
    }

    @Test
    void roundTrips() throws Exception {
        for (SnapshotSubmission s : new SnapshotSubmission[] {
            sample("a<b>&c\u2028\u0000日🚀\"\\", 5, null),
            sample("p", 0, ""),
            sample("p", 0, "v"),
            new SnapshotSubmission(new Request(-1L, Long.MIN_VALUE, "", Long.MAX_VALUE, ""), SIG, "", "x", null)
        }) {
            assertThat(SubmissionCodec.fromGoJson(SubmissionCodec.toGoJson(s))).isEqualTo(s);
            assertThat(SubmissionCodec.fromGoJson(SubmissionCodec.toProtoJson(s).getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo(s);
        }
    }

    @Test
    void tolerantLikeGo() throws Exception {
        SnapshotSubmission s = parse(" {\"dataMarket\":\"0xdm\", \"extra\":{\"n\":[1,{\"x\":null}]},"
                + "\"signature\":\"" + SIG + "\",\"header\":null,"
                + "\"request\":{\"projectId\":\"p\",\"EPOCHID\":\"7\",\"SlotId\":3,\"deadline\":null}} \n");
        assertThat(s.request()).isEqualTo(new Request(3, 0, "", 7, "p"));
        assertThat(s.header()).isEmpty();
        assertThat(s.nodeVersion()).isNull();
        assertThat(s.isSimulation()).isFalse();
        assertThat(parse("{\"request\":{\"slotId\":1},\"signature\":\"s\",\"dataMarket\":\"d\"}")
                        .isSimulation())
                .isTrue();
        assertThat(parse("{\"request\":{},\"signature\":\"s\",\"dataMarket\":\"d\",\"nodeVersion\":null}")
                        .nodeVersion())
                .isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "negative            | {\"slotId\":-1}                    | BAD_FIELD | negative",
                "negative zero       | {\"slotId\":-0}                    | BAD_FIELD | negative",
                "fraction            | {\"slotId\":1.5}                   | BAD_FIELD | fractional",
                "integral float      | {\"slotId\":1.0}                   | BAD_FIELD | fractional",
                "exponent            | {\"slotId\":1e3}                   | BAD_FIELD | fractional",
                "overflow            | {\"slotId\":18446744073709551616}  | BAD_FIELD | overflows",
                "huge                | {\"slotId\":123456789012345678901234567890} | BAD_FIELD | overflows",
                "string overflow     | {\"slotId\":\"18446744073709551616\"} | BAD_FIELD | overflows",
                "string not a number | {\"slotId\":\"12a\"}               | BAD_FIELD | not an unsigned decimal",
                "string signed       | {\"slotId\":\"+1\"}                | BAD_FIELD | not an unsigned decimal",
                "string leading zero | {\"slotId\":\"01\"}                | BAD_FIELD | leading zeros",
                "string empty        | {\"slotId\":\"\"}                  | BAD_FIELD | empty number",
                "bool                | {\"slotId\":true}                  | BAD_FIELD | found a boolean",
                "array               | {\"slotId\":[1]}                   | BAD_FIELD | found an array",
                "cid number          | {\"snapshotCid\":5}                | BAD_FIELD | must be a string",
                "duplicate key       | {\"slotId\":1,\"slotid\":2}        | BAD_FIELD | given twice",
            })
    void rejectsBadRequestFields(String name, String request, Reason reason, String message) {
        String json = "{\"request\":" + request + ",\"signature\":\"s\",\"dataMarket\":\"d\"}";
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((WireFormatException) e).reason()).isEqualTo(reason));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "array               | [1,2]                                   | NOT_JSON_OBJECT | an array",
                "string              | \"x\"                                   | NOT_JSON_OBJECT | a string",
                "number              | 42                                      | NOT_JSON_OBJECT | a number",
                "garbage             | hello                                   | MALFORMED_JSON  | ",
                "trailing object     | {\"request\":{},\"signature\":\"s\",\"dataMarket\":\"d\"}{}    | MALFORMED_JSON | trailing",
                "trailing garbage    | {\"request\":{},\"signature\":\"s\",\"dataMarket\":\"d\"} x    | MALFORMED_JSON | ",
                "truncated           | {\"request\":{\"slotId\":1                                     | TRUNCATED      | end-of-input",
                "no request          | {\"signature\":\"s\",\"dataMarket\":\"d\"}                     | MISSING_FIELD  | request",
                "null request        | {\"request\":null,\"signature\":\"s\",\"dataMarket\":\"d\"}    | MISSING_FIELD  | request",
                "request not object  | {\"request\":[],\"signature\":\"s\",\"dataMarket\":\"d\"}      | BAD_FIELD      | must be an object",
                "no signature        | {\"request\":{},\"dataMarket\":\"d\"}                          | MISSING_FIELD  | signature",
                "no data market      | {\"request\":{},\"signature\":\"s\"}                           | MISSING_FIELD  | dataMarket",
                "signature number    | {\"request\":{},\"signature\":1,\"dataMarket\":\"d\"}          | BAD_FIELD      | must be a string",
                "duplicate top key   | {\"request\":{},\"signature\":\"s\",\"Signature\":\"t\",\"dataMarket\":\"d\"} | BAD_FIELD | given twice",
                "duplicate unknown   | {\"request\":{},\"signature\":\"s\",\"dataMarket\":\"d\",\"x\":1,\"x\":2} | MALFORMED_JSON | Duplicate",
                "single quotes       | {'request':{}}                          | MALFORMED_JSON  | ",
                "comment             | {/*c*/\"request\":{}}                   | MALFORMED_JSON  | ",
            })
    void rejectsBadDocuments(String name, String json, Reason reason, String message) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining(message == null ? "" : message)
                .satisfies(e -> assertThat(((WireFormatException) e).reason()).isEqualTo(reason));
    }

    @Test
    void rejectsEmptyAndInvalidUtf8() {
        assertThatThrownBy(() -> SubmissionCodec.fromGoJson(new byte[0]))
                .satisfies(e -> assertThat(((WireFormatException) e).reason()).isEqualTo(Reason.MALFORMED_JSON));
        assertThatThrownBy(() -> SubmissionCodec.fromGoJson(null)).isInstanceOf(WireFormatException.class);
        byte[] bad = "{\"request\":{\"projectId\":\"a?b\"},\"signature\":\"s\",\"dataMarket\":\"d\"}"
                .getBytes(StandardCharsets.UTF_8);
        int q = new String(bad, StandardCharsets.UTF_8).indexOf('?');
        bad[q] = (byte) 0xC3; // a lead byte followed by an ASCII byte: invalid UTF-8
        assertThatThrownBy(() -> SubmissionCodec.fromGoJson(bad))
                .satisfies(e -> assertThat(((WireFormatException) e).reason()).isEqualTo(Reason.MALFORMED_JSON))
                .hasMessageContaining("UTF-8");
    }

    @Test
    void parseUint64Bounds() throws Exception {
        assertThat(SubmissionCodec.parseUint64("0", "f")).isZero();
        assertThat(SubmissionCodec.parseUint64("18446744073709551615", "f")).isEqualTo(-1L);
        assertThat(SubmissionCodec.parseUint64("9223372036854775808", "f")).isEqualTo(Long.MIN_VALUE);
        assertThatThrownBy(() -> SubmissionCodec.parseUint64("99999999999999999999", "f"))
                .hasMessageContaining("overflows");
    }
}
