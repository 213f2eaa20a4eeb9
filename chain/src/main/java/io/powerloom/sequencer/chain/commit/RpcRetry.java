package io.powerloom.sequencer.chain.commit;

import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.exceptions.ClientConnectionException;

/**
 * Sends JSON-RPC requests and retries transport failures (connection refused, time-outs, HTTP errors) with
 * exponential back-off, for at most the configured patience. A JSON-RPC error answer is not a transport failure: it is
 * returned to the caller, who knows what it means.
 */
final class RpcRetry {
    private static final Logger LOG = LoggerFactory.getLogger(RpcRetry.class);

    /** One JSON-RPC exchange, re-created for every attempt (web3j requests carry an id). */
    @FunctionalInterface
    interface Call<R> {
        R send() throws IOException;
    }

    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration patience;
    private final Runnable onRetry;

    RpcRetry(Duration initialBackoff, Duration maxBackoff, Duration patience, Runnable onRetry) {
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.patience = patience;
        this.onRetry = onRetry;
    }

    <R> R send(String what, Call<R> call) throws CommitException {
        long deadline = System.nanoTime() + patience.toNanos();
        long backoffMs = initialBackoff.toMillis();
        while (true) {
            Exception failure;
            try {
                return call.send();
            } catch (IOException | ClientConnectionException e) {
                failure = e;
            } catch (RuntimeException e) {
                // okhttp/jackson failures surface as unchecked exceptions too; a bad answer is worth a second try
                failure = e;
            }
            if (System.nanoTime() > deadline) {
                throw new CommitException(
                        CommitException.Reason.RPC_UNAVAILABLE,
                        what + " failed for longer than " + patience + ": " + failure,
                        failure);
            }
            onRetry.run();
            LOG.debug("{} failed ({}), retrying in {} ms", what, failure.toString(), backoffMs);
            sleep(backoffMs);
            backoffMs = Math.min(backoffMs * 2, maxBackoff.toMillis());
        }
    }

    static void sleep(long ms) throws CommitException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommitException(CommitException.Reason.CLOSED, "interrupted", e);
        }
    }
}
