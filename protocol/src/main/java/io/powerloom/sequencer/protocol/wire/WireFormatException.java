package io.powerloom.sequencer.protocol.wire;

/**
 * A submission (or a {@code /collect} stream) that does not follow the wire format of SPEC §1.
 * {@link #reason()} classifies the fault for metrics; the message says exactly what was wrong.
 */
public class WireFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why the bytes were refused. */
    public enum Reason {
        /** The 36-character textual UUID in front of a message is malformed. */
        BAD_UUID,
        /** The value after the UUID (or the whole document) is not a JSON object. */
        NOT_JSON_OBJECT,
        /** A message exceeds the configured size bound. */
        OVERSIZED,
        /** The JSON text is not well formed (unbalanced, bad token, trailing garbage, bad UTF-8...). */
        MALFORMED_JSON,
        /** The stream ended in the middle of a message. */
        TRUNCATED,
        /** A field the sequencer needs is absent. */
        MISSING_FIELD,
        /** A field has the wrong JSON type or an out-of-range value. */
        BAD_FIELD
    }

    private final Reason reason;

    public WireFormatException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public WireFormatException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    /** The class of fault. */
    public Reason reason() {
        return reason;
    }
}
