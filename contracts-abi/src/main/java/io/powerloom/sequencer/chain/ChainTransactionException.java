package io.powerloom.sequencer.chain;

import java.util.Optional;
import org.web3j.protocol.exceptions.TransactionException;

/**
 * A transaction to the protocol-state contract failed. {@link #revertReason()} holds the contract's revert string
 * (e.g. {@code "E25"}) when the node reported one.
 */
public class ChainTransactionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String revertReason;

    /** A failure with the contract's revert reason (may be null when unknown). */
    public ChainTransactionException(String message, String revertReason) {
        super(revertReason == null ? message : message + ": reverted with " + revertReason);
        this.revertReason = revertReason;
    }

    /** A failure with a cause and the revert reason, when known. */
    public ChainTransactionException(String message, String revertReason, Throwable cause) {
        super(
                revertReason == null
                        ? message + ": " + cause.getMessage()
                        : message + ": reverted with " + revertReason,
                cause);
        this.revertReason = revertReason;
    }

    /** Wraps what web3j threw for {@code what}, keeping the revert reason when web3j found one. */
    static ChainTransactionException of(String what, Exception e) {
        if (e instanceof TransactionException te) {
            String reason =
                    te.getTransactionReceipt().map(r -> r.getRevertReason()).orElse(null);
            return new ChainTransactionException(what, RevertReasons.fromMessage(reason), e);
        }
        return new ChainTransactionException(what, null, e);
    }

    /** The contract's revert string, if the failure was a revert with a reason. */
    public Optional<String> revertReason() {
        return Optional.ofNullable(revertReason);
    }
}
