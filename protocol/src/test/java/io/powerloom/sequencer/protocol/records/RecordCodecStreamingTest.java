package io.powerloom.sequencer.protocol.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.protocol.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The streaming decode of submissions-topic records against the Jackson tree decoder it sits in front
 * of: same record or same error for valid records and for a large set of malformed and unusual ones.
 */
class RecordCodecStreamingTest {

    /** Outcome of one decode: the record, or the exception's class and message. */
    private interface Decoder {
        Object decode(byte[] value) throws RecordFormatException;
    }

    private static Object outcome(Decoder d, byte[] value) {
        try {
            return Objects.requireNonNull(d.decode(value));
        } catch (RecordFormatException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private int fast;

    /** Checks all three submissions-topic decoders against the tree on {@code value}. */
    private void check(byte[] value) {
        String shown = value == null ? "null" : new String(value, StandardCharsets.UTF_8);
        assertThat(outcome(RecordCodec::decodeSubmissionTopic, value))
                .as(shown)
                .isEqualTo(outcome(RecordCodec::treeDecodeSubmissionTopic, value));
        assertThat(outcome(RecordCodec::decodeSubmissionEnvelope, value))
                .as(shown)
                .isEqualTo(outcome(RecordCodec::treeDecodeSubmissionEnvelope, value));
        assertThat(outcome(RecordCodec::decodeHeartbeat, value))
                .as(shown)
                .isEqualTo(outcome(RecordCodec::treeDecodeHeartbeat, value));
        // whenever the streaming pass answers on its own, the tree agrees
        for (String expected : new String[] {null, "submission", "heartbeat"}) {
            SubmissionTopicRecord r = RecordCodec.streamSubmissionTopic(value, expected);
            if (r != null) {
                fast++;
                assertThat(r).as(shown).isEqualTo(outcome(RecordCodec::treeDecodeSubmissionTopic, value));
            }
        }
    }

    private void check(String json) {
        check(json.getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ generation

    private static final String TEXT_CHARS = "abcXYZ019-_:/ {}[],\"\\\n\t\u0000\u001f<>&\u00e9\u20ac\u2028\ud83d\ude00";

    private static String randomText(SplittableRandom rnd) {
        StringBuilder b = new StringBuilder();
        for (int k = rnd.nextInt(0, 40); k > 0; k--) {
            b.append(TEXT_CHARS.charAt(rnd.nextInt(TEXT_CHARS.length())));
        }
        return b.toString();
    }

    /** A JSON string literal for {@code s}, sometimes with escapes that JsonWriter would not write. */
    private static String literal(SplittableRandom rnd, String s) {
        String lit = new JsonWriter(JsonWriter.Style.MINIMAL).value(s).toText();
        if (rnd.nextInt(8) == 0 && !s.isEmpty() && s.charAt(0) < 128 && s.charAt(0) != '"' && s.charAt(0) != '\\') {
            lit = "\"\\u" + String.format("%04x", (int) s.charAt(0)) + lit.substring(2); // "\u0061bc"
        }
        return lit;
    }

    private static String randomUint(SplittableRandom rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> "0";
            case 1 -> Long.toUnsignedString(rnd.nextLong()); // often >= 2^63
            case 2 -> "18446744073709551615";
            default -> Long.toString(rnd.nextLong(0, 1L << 50));
        };
    }

    /** Key/value pairs (raw JSON values) of a valid record, in the order the encoder writes them. */
    private static List<Map.Entry<String, String>> validFields(SplittableRandom rnd, boolean submission) {
        List<Map.Entry<String, String>> f = new ArrayList<>();
        f.add(Map.entry("v", "1"));
        if (submission) {
            f.add(Map.entry("type", "\"submission\""));
            String id = randomText(rnd);
            f.add(Map.entry("submissionId", literal(rnd, id.isEmpty() ? "x" : id)));
            f.add(Map.entry("peerId", literal(rnd, randomText(rnd))));
            f.add(Map.entry("receivedAtMs", randomUint(rnd)));
            f.add(Map.entry("bridgeId", literal(rnd, randomText(rnd))));
            f.add(Map.entry(
                    "submission",
                    literal(
                            rnd,
                            "{\"request\":{\"slotId\":1,\"projectId\":\"" + randomText(rnd)
                                    + "\"},\"signature\":\"ab\"}")));
        } else {
            f.add(Map.entry("type", "\"heartbeat\""));
            f.add(Map.entry("receivedAtMs", randomUint(rnd)));
            f.add(Map.entry("bridgeId", literal(rnd, randomText(rnd))));
            f.add(Map.entry(
                    "partition",
                    rnd.nextBoolean()
                            ? Integer.toString(rnd.nextInt(0, 64))
                            : Long.toString(rnd.nextLong(0, 1L << 33))));
            f.add(Map.entry("sequence", randomUint(rnd)));
        }
        return f;
    }

    private static final String[] ODD_VALUES = {
        "null",
        "\"\"",
        "\"x\"",
        "\"1\"",
        "0",
        "1",
        "2",
        "-1",
        "-0",
        "1.0",
        "1.5",
        "1e2",
        "1E+2",
        "-1.5e-3",
        "2147483647",
        "2147483648",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551615",
        "18446744073709551616",
        "123456789012345678901234567890",
        "true",
        "false",
        "{}",
        "[]",
        "[1,\"a\",{}]",
        "{\"v\":1}",
        "{\"a\":{\"b\":[null,1.5,99999999999999999999999]}}",
        "\"submission\"",
        "\"heartbeat\"",
        "\"block\"",
        "01",
        "+1",
        ".5",
        "NaN",
        "\"\\ud800\"",
        "\"\\x\"",
        "tru",
        "[1,]",
        "{\"a\":1,\"a\":2}",
    };

    private static final String[] KEYS = {
        "v",
        "type",
        "submissionId",
        "peerId",
        "receivedAtMs",
        "bridgeId",
        "submission",
        "partition",
        "sequence",
        "future",
        "V",
        "type ",
        "\\u0076",
        "",
    };

    private static String render(SplittableRandom rnd, List<Map.Entry<String, String>> fields) {
        StringBuilder b = new StringBuilder();
        String ws = rnd.nextInt(4) == 0 ? " \n\t\r".substring(rnd.nextInt(4)) : "";
        b.append(ws).append('{');
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                b.append(',').append(ws);
            }
            b.append('"')
                    .append(fields.get(i).getKey())
                    .append('"')
                    .append(ws)
                    .append(':')
                    .append(ws)
                    .append(fields.get(i).getValue());
        }
        return b.append(ws).append('}').append(ws).toString();
    }

    private static List<Map.Entry<String, String>> mutate(SplittableRandom rnd, List<Map.Entry<String, String>> f) {
        f = new ArrayList<>(f);
        int kinds = rnd.nextInt(1, 3);
        for (int k = 0; k < kinds; k++) {
            switch (rnd.nextInt(7)) {
                case 0 -> { // a field takes an odd value
                    int i = rnd.nextInt(f.size());
                    f.set(i, Map.entry(f.get(i).getKey(), ODD_VALUES[rnd.nextInt(ODD_VALUES.length)]));
                }
                case 1 -> f.remove(rnd.nextInt(f.size())); // a field goes missing
                case 2 ->
                    f.add(
                            rnd.nextInt(f.size() + 1), // an extra (unknown, known or duplicate) field
                            Map.entry(KEYS[rnd.nextInt(KEYS.length)], ODD_VALUES[rnd.nextInt(ODD_VALUES.length)]));
                case 3 -> java.util.Collections.shuffle(f, new java.util.Random(rnd.nextLong()));
                case 4 -> f.add(Map.entry("future" + rnd.nextInt(3), ODD_VALUES[rnd.nextInt(ODD_VALUES.length)]));
                case 5 -> f.add(rnd.nextInt(f.size() + 1), f.get(rnd.nextInt(f.size()))); // duplicate key
                default -> {
                    if (f.isEmpty()) {
                        break;
                    }
                    int i = rnd.nextInt(f.size()); // the other record type's fields
                    f.set(
                            i,
                            Map.entry(
                                    f.get(i).getKey(),
                                    f.get(i).getKey().equals("type")
                                            ? (f.get(i).getValue().contains("submission")
                                                    ? "\"heartbeat\""
                                                    : "\"submission\"")
                                            : f.get(i).getValue()));
                }
            }
            if (f.isEmpty()) {
                break;
            }
        }
        return f;
    }

    // ------------------------------------------------------------------ tests

    @Test
    void validRecordsTakeTheStreamingPathAndMatchTheTree() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 3000; i++) {
            boolean submission = rnd.nextBoolean();
            List<Map.Entry<String, String>> f = validFields(rnd, submission);
            if (rnd.nextBoolean()) {
                java.util.Collections.shuffle(f, new java.util.Random(rnd.nextLong()));
            }
            if (rnd.nextInt(3) == 0) {
                f.add(rnd.nextInt(f.size() + 1), Map.entry("future", ODD_VALUES[rnd.nextInt(ODD_VALUES.length)]));
            }
            check(render(rnd, f));
        }
        assertThat(fast).isGreaterThan(3000);
        // the records the encoder writes always take the streaming path
        SubmissionEnvelope e = new SubmissionEnvelope(
                "0f8fad5b",
                "12D3KooW",
                1732460000000L,
                "bridge-0",
                "{\"request\":{\"slotId\":1},\"signature\":\"ab\"}");
        Heartbeat h = new Heartbeat(1732460000123L, "bridge-1", 3, 17);
        assertThat(RecordCodec.streamSubmissionTopic(RecordCodec.encode(e), null))
                .isEqualTo(e);
        assertThat(RecordCodec.streamSubmissionTopic(RecordCodec.encode(e), "submission"))
                .isEqualTo(e);
        assertThat(RecordCodec.streamSubmissionTopic(RecordCodec.encode(h), null))
                .isEqualTo(h);
        assertThat(RecordCodec.streamSubmissionTopic(RecordCodec.encode(h), "heartbeat"))
                .isEqualTo(h);
        assertThat(RecordCodec.streamSubmissionTopic(RecordCodec.encode(h), "submission"))
                .isNull();
    }

    @Test
    void mutatedRecordsMatchTheTree() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int i = 0; i < 20000; i++) {
            check(render(rnd, mutate(rnd, validFields(rnd, rnd.nextBoolean()))));
        }
    }

    @Test
    void damagedBytesMatchTheTree() {
        SplittableRandom rnd = new SplittableRandom(3);
        byte[] junk = "{}[]\":,0 1-.eE\\ntul\u00e9".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 10000; i++) {
            byte[] v = render(rnd, validFields(rnd, rnd.nextBoolean())).getBytes(StandardCharsets.UTF_8);
            switch (rnd.nextInt(4)) {
                case 0 -> v = java.util.Arrays.copyOf(v, rnd.nextInt(v.length)); // truncated
                case 1 -> v[rnd.nextInt(v.length)] = junk[rnd.nextInt(junk.length)]; // one byte replaced
                case 2 -> v[rnd.nextInt(v.length)] = (byte) rnd.nextInt(256); // any byte
                default -> { // something after the object
                    String tail = new String[] {" x", "{}", "1", " ", "\n", ",", "}", "\"a\""}[rnd.nextInt(8)];
                    byte[] t = tail.getBytes(StandardCharsets.UTF_8);
                    byte[] w = java.util.Arrays.copyOf(v, v.length + t.length);
                    System.arraycopy(t, 0, w, v.length, t.length);
                    v = w;
                }
            }
            check(v);
        }
    }

    @Test
    void edgeCasesMatchTheTree() {
        String hb = "\"type\":\"heartbeat\",\"receivedAtMs\":5,\"bridgeId\":\"b\",\"partition\":0,\"sequence\":1";
        String sub = "\"type\":\"submission\",\"submissionId\":\"i\",\"peerId\":\"p\",\"receivedAtMs\":5,"
                + "\"bridgeId\":\"b\",\"submission\":\"{}\"";
        String[] cases = {
            "",
            " ",
            "null",
            "1",
            "\"x\"",
            "[]",
            "{}",
            "{\"v\":1}",
            "{",
            "}",
            "{\"v\":1," + hb + "}",
            "{\"v\":1," + sub + "}",
            "{\"v\":1," + hb + "} ",
            "{\"v\":1," + hb + "}x",
            "{\"v\":1," + hb + "}{}",
            "{\"v\":1," + hb + "}}",
            "{\"v\":1.0," + hb + "}",
            "{\"v\":1e0," + hb + "}",
            "{\"v\":01," + hb + "}",
            "{\"v\":\"1\"," + hb + "}",
            "{\"v\":null," + hb + "}",
            "{\"v\":2," + hb + "}",
            "{\"v\":-0," + hb + "}",
            "{\"v\":100000000000000000000000000001," + hb + "}",
            "{\"v\":1," + hb + ",\"v\":1}",
            "{\"v\":1," + hb + ",\"future\":{\"x\":1,\"x\":2}}",
            "{\"v\":1," + hb.replace("\"partition\":0", "\"partition\":2147483647") + "}",
            "{\"v\":1," + hb.replace("\"partition\":0", "\"partition\":2147483648") + "}",
            "{\"v\":1," + hb.replace("\"sequence\":1", "\"sequence\":9223372036854775808") + "}",
            "{\"v\":1," + hb.replace("\"sequence\":1", "\"sequence\":18446744073709551615") + "}",
            "{\"v\":1," + hb.replace("\"sequence\":1", "\"sequence\":18446744073709551616") + "}",
            "{\"v\":1," + hb.replace("\"sequence\":1", "\"sequence\":-1") + "}",
            "{\"v\":1," + hb.replace("\"sequence\":1", "\"sequence\":-0") + "}",
            "{\"v\":1," + hb.replace("\"sequence\":1", "\"sequence\":1.0") + "}",
            "{\"v\":1," + hb.replace("\"sequence\":1", "\"sequence\":1e400") + "}",
            "{\"v\":1," + hb.replace("\"bridgeId\":\"b\"", "\"bridgeId\":null") + "}",
            "{\"v\":1," + hb + ",\"submissionId\":7}", // a field of the other type, badly typed: still valid
            "{\"v\":1," + sub + ",\"partition\":-1}",
            "{\"v\":1," + sub.replace("\"submissionId\":\"i\"", "\"submissionId\":\"\"") + "}",
            "{\"v\":1," + sub.replace("\"submission\":\"{}\"", "\"submission\":{}") + "}",
            "{\"v\":1," + sub.replace("\"type\":\"submission\"", "\"type\":\"block\"") + "}",
            "{\"v\":1," + sub.replace("\"type\":\"submission\"", "\"type\":7") + "}",
            "{\"v\":1," + sub.replace("\"peerId\":\"p\"", "\"peerId\":\"\\ud800\\u0000\"") + "}",
            "{\"\\u0076\":1," + hb + "}",
            "{\"v\":1," + hb + ",\"\":1}",
            "{\"v\":1," + hb + "/* c */}",
            "{'v':1," + hb + "}",
            "\ufeff{\"v\":1," + hb + "}",
            // constraints on unknown fields: numbers over 1000 digits, deep nesting
            "{\"v\":1," + hb + ",\"big\":" + "9".repeat(1001) + "}",
            "{\"v\":1," + hb + ",\"big\":" + "9".repeat(999) + "}",
            "{\"v\":1," + hb + ",\"big\":1." + "9".repeat(1001) + "}",
            "{\"v\":1," + hb + ",\"deep\":" + "[".repeat(1001) + "]".repeat(1001) + "}",
            "{\"v\":1," + hb + ",\"deep\":" + "[".repeat(900) + "]".repeat(900) + "}",
        };
        for (String c : cases) {
            check(c);
        }
        // UTF-16 and UTF-32 input: Jackson detects the encoding in both paths
        String json = "{\"v\":1," + hb + "}";
        check(json.getBytes(StandardCharsets.UTF_16BE));
        check(json.getBytes(StandardCharsets.UTF_16LE));
        check(json.getBytes(java.nio.charset.Charset.forName("UTF-32BE")));
        check((byte[]) null);
    }
}
