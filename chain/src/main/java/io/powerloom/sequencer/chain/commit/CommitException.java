package io.powerloom.sequencer.chain.commit;

/**
 * A commit that could not be done, with a typed {@link Reason}. {@link #isRetryable()} tells whether calling again
 * later can help (the chain or the RPC endpoint may recover) or not (the contract refuses the input).
 */
public class CommitException extends Exception {

    /** Why a commit failed. */
    public enum Reason {
        /** E04: the signer is not a sequencer of the data market. */
        NOT_SEQUENCER("E04", false),
        /** E23: projectIds and snapshotCids differ in length. */
        LENGTH_MISMATCH("E23", false),
        /** E24: the batch has no projects. */
        EMPTY_BATCH("E24", false),
        /** E38: an accounting update for a day the contract no longer (or not yet) accepts. */
        DAY_NOT_OPEN("E38", false),
        /** E19: slotIds and counts differ in length. */
        COUNTS_LENGTH_MISMATCH("E19", false),
        /** Another revert reason from the contract. */
        REVERTED(null, false),
        /** The input cannot be encoded (e.g. bad address, root hash not 32 bytes). */
        INVALID_INPUT(null, false),
        /** The RPC endpoint kept failing for longer than the configured patience. */
        RPC_UNAVAILABLE(null, true),
        /** No receipt within the commit timeout, even after fee bumps. */
        TIMEOUT(null, true),
        /** The client was closed before the commit finished. */
        CLOSED(null, true);

        private final String code;
        private final boolean retryable;

        Reason(String code, boolean retryable) {
            this.code = code;
            this.retryable = retryable;
        }

        /** The contract's revert code (E04, E23, E24) or {@code null}. */
        public String code() {
            return code;
        }

        static Reason ofRevertCode(String code) {
            for (Reason r : values()) {
                if (r.code != null && r.code.equals(code)) {
                    return r;
                }
            }
            return REVERTED;
        }
    }

    private final Reason reason;

    public CommitException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public CommitException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** True when the same call may succeed later (RPC outage, timeout); false when the contract refuses it. */
    public boolean isRetryable() {
        return reason.retryable;
    }
}
