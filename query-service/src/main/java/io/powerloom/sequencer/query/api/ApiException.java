package io.powerloom.sequencer.query.api;

/** An answer other than 200, with the message the client sees (never a stack trace). */
public final class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
