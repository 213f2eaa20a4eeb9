package io.powerloom.sequencer.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.powerloom.sequencer.protocol.Vectors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SubmissionCodec} against the real Go implementations: {@code vectors/gojson.json} is written
 * by {@code src/test/go/gojson_vectors.go} with Go's {@code encoding/json} and {@code protojson}.
 */
class SubmissionCodecGoVectorsTest {

    static final JsonNode VECTORS = Vectors.load("gojson.json");

    static Stream<JsonNode> encodeCases() {
        List<JsonNode> out = new ArrayList<>();
        VECTORS.get("encode").forEach(out::add);
        assertThat(out).hasSizeGreaterThanOrEqualTo(5);
        return out.stream();
    }

    static Stream<JsonNode> decodeCases() {
        List<JsonNode> out = new ArrayList<>();
        VECTORS.get("decode").forEach(out::add);
        assertThat(out).hasSizeGreaterThanOrEqualTo(20);
        return out.stream();
    }

    static SnapshotSubmission submission(JsonNode v) {
        JsonNode r = v.get("request");
        JsonNode nv = v.get("nodeVersion");
        return new SnapshotSubmission(
                new Request(
                        Long.parseUnsignedLong(r.get("slotId").asText()),
                        Long.parseUnsignedLong(r.get("deadline").asText()),
                        r.get("snapshotCid").asText(),
                        Long.parseUnsignedLong(r.get("epochId").asText()),
                        r.get("projectId").asText()),
                v.get("signature").asText(),
                v.get("header").asText(),
                v.get("dataMarket").asText(),
                nv == null || nv.isNull() ? null : nv.asText());
    }

    /**
     * Go before 1.22 escaped \b and \f as \u0008 and \u000c; we write Go 1.22+'s short forms.
     * (The vector data holds no literal backslash-u text, so a plain replace is safe here.)
     */
    static String goToCurrentGo(String goJson) {
        String version = VECTORS.get("goVersion").asText();
        boolean old = version.matches("go1\\.(1\\d|2[01])(\\..*)?");
        return old ? goJson.replace("\\u0008", "\\b").replace("\\u000c", "\\f") : goJson;
    }

    @ParameterizedTest
    @MethodSource("encodeCases")
    void goJsonIsByteExact(JsonNode c) throws Exception {
        SnapshotSubmission s = submission(c.get("submission"));
        String ours = new String(SubmissionCodec.toGoJson(s), StandardCharsets.UTF_8);
        assertThat(ours).isEqualTo(goToCurrentGo(c.get("goJson").asText()));
        assertThat(SubmissionCodec.fromGoJson(c.get("goJson").asText().getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(s);
    }

    @ParameterizedTest
    @MethodSource("encodeCases")
    void protoJsonIsByteExact(JsonNode c) throws Exception {
        SnapshotSubmission s = submission(c.get("submission"));
        assertThat(SubmissionCodec.toProtoJson(s)).isEqualTo(c.get("protoJson").asText());
        assertThat(SubmissionCodec.fromGoJson(c.get("protoJson").asText().getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(s);
    }

    /** Accept what Go accepts (same value), refuse what Go refuses — except the documented differences. */
    @ParameterizedTest
    @MethodSource("decodeCases")
    void acceptsAndRefusesLikeGo(JsonNode c) throws Exception {
        byte[] json = c.get("json").asText().getBytes(StandardCharsets.UTF_8);
        String note = c.get("note").asText();
        boolean goAccepts = c.get("goAccepts").asBoolean();
        boolean weAccept = note.startsWith("TOLERANT") || (goAccepts && !note.startsWith("STRICTER"));
        if (weAccept) {
            SnapshotSubmission s = SubmissionCodec.fromGoJson(json);
            if (goAccepts) {
                assertThat(s).as(note).isEqualTo(submission(c.get("value")));
            }
        } else {
            assertThatThrownBy(() -> SubmissionCodec.fromGoJson(json)).as(note).isInstanceOf(WireFormatException.class);
        }
    }
}
