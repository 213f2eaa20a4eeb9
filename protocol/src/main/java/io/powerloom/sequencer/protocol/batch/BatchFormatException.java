package io.powerloom.sequencer.protocol.batch;

/** Bytes that are not a valid batch document, with the reason. */
public class BatchFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    public BatchFormatException(String message) {
        super(message);
    }

    public BatchFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
