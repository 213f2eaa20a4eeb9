package io.powerloom.sequencer.protocol.records;

/** Bytes on a Kafka topic that are not a valid record of the expected kind, with the reason. */
public class RecordFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    public RecordFormatException(String message) {
        super(message);
    }

    public RecordFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
