package io.powerloom.sequencer.infra.anvil;

/** Anvil could not be started, or one of its JSON-RPC calls failed; the message says why. */
public class AnvilException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure with a reason. */
    public AnvilException(String message) {
        super(message);
    }

    /** A failure with a reason and its cause. */
    public AnvilException(String message, Throwable cause) {
        super(message, cause);
    }
}
