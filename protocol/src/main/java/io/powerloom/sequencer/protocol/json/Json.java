package io.powerloom.sequencer.protocol.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one shared, strictly configured Jackson setup of the protocol module, used for
 * <b>reading</b> JSON (writing goes through {@link JsonWriter} so output is byte-exact).
 * Duplicate keys are rejected, trailing tokens are rejected, and integers keep full precision
 * (floating-point numbers are read as doubles: every reader here refuses them anyway).
 */
public final class Json {

    /** Streaming factory: strict duplicate detection, no comments, no single quotes. */
    public static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Tree mapper for reading small documents. Thread-safe once configured. */
    public static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    static {
        // Make sure nothing lenient sneaks in through defaults.
        if (FACTORY.isEnabled(JsonParser.Feature.ALLOW_COMMENTS)) {
            throw new IllegalStateException("comments must be disabled");
        }
    }

    private Json() {}

    /** A one-line description of a parse failure (Jackson's message without the source excerpt). */
    public static String describe(java.io.IOException e) {
        String m = e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                ? j.getOriginalMessage()
                : e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null) {
            m = m + " (at byte " + j.getLocation().getByteOffset() + ")";
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
