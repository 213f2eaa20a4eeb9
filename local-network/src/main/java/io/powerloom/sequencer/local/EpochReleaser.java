package io.powerloom.sequencer.local;

import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Releases epochs the way Powerloom's epoch manager does: every {@code interval} it calls
 * {@code releaseEpoch(dataMarket, begin, end)} on the protocol-state contract (as the market's epoch manager) with
 * the next range of {@code epochSize} source-chain blocks, {@code begin = end(previous) + 1}.
 *
 * <p>A failed release is logged and the same range is tried again at the next tick, so the ranges stay consecutive.
 */
public final class EpochReleaser implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EpochReleaser.class);

    /** What one release did. */
    public record Release(long epochId, long begin, long end, String txHash, long blockNumber) {}

    private final PowerloomProtocolState contract;
    private final String dataMarket;
    private final int epochSize;
    private final Duration interval;
    private final Consumer<Release> onRelease;
    private final AtomicLong nextBegin;
    private final AtomicLong released = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "epoch-releaser");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param contract   the contract, bound to the epoch manager's credentials
     * @param firstBegin the first source-chain block of the first epoch
     * @param onRelease  told about every release (on the releaser's thread)
     */
    public EpochReleaser(
            PowerloomProtocolState contract,
            String dataMarket,
            int epochSize,
            long firstBegin,
            Duration interval,
            Consumer<Release> onRelease) {
        if (epochSize < 1 || firstBegin < 0 || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("epochSize >= 1, firstBegin >= 0 and a positive interval required");
        }
        this.contract = contract;
        this.dataMarket = dataMarket;
        this.epochSize = epochSize;
        this.interval = interval;
        this.onRelease = onRelease;
        this.nextBegin = new AtomicLong(firstBegin);
    }

    /** Releases the first epoch at once, then one every interval. */
    public void start() {
        timer.scheduleWithFixedDelay(this::releaseNext, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Epochs released so far. */
    public long released() {
        return released.get();
    }

    /** Releases the next range now; returns what was released, or null when the transaction failed. */
    Release releaseNext() {
        long begin = nextBegin.get();
        long end = begin + epochSize - 1;
        try {
            TransactionReceipt r = contract.releaseEpoch(dataMarket, BigInteger.valueOf(begin), BigInteger.valueOf(end))
                    .send();
            if (!r.isStatusOK()) {
                LOG.warn(
                        "releaseEpoch({}, {}) reverted in {}: {}",
                        begin,
                        end,
                        r.getTransactionHash(),
                        r.getRevertReason());
                return null;
            }
            List<PowerloomProtocolState.EpochReleasedEventResponse> events =
                    PowerloomProtocolState.getEpochReleasedEvents(r);
            if (events.isEmpty()) {
                LOG.warn(
                        "releaseEpoch({}, {}) emitted no EpochReleased event (tx {})",
                        begin,
                        end,
                        r.getTransactionHash());
                return null;
            }
            nextBegin.set(end + 1);
            released.incrementAndGet();
            Release rel = new Release(
                    events.get(0).epochId.longValue(),
                    begin,
                    end,
                    r.getTransactionHash(),
                    r.getBlockNumber().longValue());
            onRelease.accept(rel);
            return rel;
        } catch (Exception e) {
            LOG.warn("releaseEpoch({}, {}) failed, retrying at the next tick: {}", begin, end, e.toString());
            return null;
        }
    }

    /** Stops releasing (a release in progress finishes). */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
