package io.powerloom.sequencer.chain.commit;

import java.time.Duration;

/**
 * Outcome of a commit call.
 *
 * @param status        what happened on chain
 * @param txHash        the mined transaction, or {@code null} when nothing was sent ({@link Status#ALREADY_DONE} found
 *                      by the on-chain check or by gas estimation)
 * @param blockNumber   block of the mined transaction, or -1 when nothing was sent
 * @param callToReceipt time from the call to the receipt (or to the decision that nothing needs sending)
 * @param attempts      transactions signed for this call (1 normally; more after fee bumps or a resent nonce; 0 when
 *                      nothing was sent)
 */
public record CommitResult(Status status, String txHash, long blockNumber, Duration callToReceipt, int attempts) {

    /** What the commit did on chain. */
    public enum Status {
        /** Our transaction was mined and the contract stored the batch (or closed the epoch). */
        COMMITTED,
        /** The work was already on chain (checked before sending, or E25/E43 on estimation): no new effect. */
        ALREADY_DONE,
        /** Mined, but past the market's batch submission window: the contract emitted DelayedBatchSubmitted and stored nothing. */
        DELAYED
    }
}
