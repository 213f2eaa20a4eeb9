package io.powerloom.sequencer.chain.read;

import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Type;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * The protocol-state events the chain watcher follows (epoch releases, slot changes, and the accounting events of SPEC
 * §10: day starts, quota and day-size changes), their topic hashes and their decoding from raw logs (SPEC §3 and the
 * slot registry event). The event definitions are the generated wrapper's, so they come from the committed ABI.
 *
 * <p>Decoding checks the topic count and the data's value count and that every number fits in a long, and gives a
 * typed {@link UndecodableLogException} otherwise, so a malformed log is counted and skipped, never a crash.
 */
public final class ProtocolStateEvents {
    private ProtocolStateEvents() {}

    static final Event EPOCH_RELEASED = PowerloomProtocolState.EPOCHRELEASED_EVENT;
    static final Event SLOT_SNAPSHOTTER_UPDATED = PowerloomProtocolState.SLOTSNAPSHOTTERUPDATED_EVENT;
    static final Event DAY_STARTED = PowerloomProtocolState.DAYSTARTEDEVENT_EVENT;
    static final Event QUOTA_UPDATED = PowerloomProtocolState.DAILYSNAPSHOTQUOTAUPDATED_EVENT;
    static final Event DAY_SIZE_UPDATED = PowerloomProtocolState.DAYSIZEUPDATED_EVENT;

    public static final String EPOCH_RELEASED_TOPIC = EventEncoder.encode(EPOCH_RELEASED);
    public static final String SLOT_UPDATED_TOPIC = EventEncoder.encode(SLOT_SNAPSHOTTER_UPDATED);
    public static final String DAY_STARTED_TOPIC = EventEncoder.encode(DAY_STARTED);
    public static final String QUOTA_UPDATED_TOPIC = EventEncoder.encode(QUOTA_UPDATED);
    public static final String DAY_SIZE_UPDATED_TOPIC = EventEncoder.encode(DAY_SIZE_UPDATED);

    /** A {@code DayStartedEvent} log. */
    public record DayLog(
            String dataMarket,
            long dayId,
            long timestamp,
            long blockNumber,
            String blockHash,
            String txHash,
            int logIndex) {}

    /**
     * A {@code DailySnapshotQuotaUpdated} ({@code epochsInADay} 0) or {@code DaySizeUpdated} log.
     */
    public record ParameterLog(
            String dataMarket,
            boolean quota,
            long value,
            long epochsInADay,
            long blockNumber,
            String blockHash,
            String txHash,
            int logIndex) {}

    /** An {@code EpochReleased} log. */
    public record EpochLog(
            String dataMarket,
            long epochId,
            long begin,
            long end,
            long timestamp,
            long blockNumber,
            String blockHash,
            String txHash,
            int logIndex) {}

    /** A {@code SlotSnapshotterUpdated} log. */
    public record SlotLog(
            long slotId, String snapshotter, boolean active, long blockNumber, String blockHash, int logIndex) {}

    /** Thrown for a log that has the right topic but cannot be decoded (or does not fit in a long). */
    public static final class UndecodableLogException extends Exception {
        private static final long serialVersionUID = 1L;

        public UndecodableLogException(String message) {
            super(message);
        }
    }

    public static boolean isEpochReleased(Log log) {
        return !log.getTopics().isEmpty()
                && EPOCH_RELEASED_TOPIC.equalsIgnoreCase(log.getTopics().get(0));
    }

    public static boolean isDayStarted(Log log) {
        return hasTopic(log, DAY_STARTED_TOPIC);
    }

    public static boolean isParameterUpdated(Log log) {
        return hasTopic(log, QUOTA_UPDATED_TOPIC) || hasTopic(log, DAY_SIZE_UPDATED_TOPIC);
    }

    private static boolean hasTopic(Log log, String topic) {
        return !log.getTopics().isEmpty()
                && topic.equalsIgnoreCase(log.getTopics().get(0));
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    public static DayLog decodeDay(Log log) throws UndecodableLogException {
        try {
            if (log.getTopics().size() != 2) {
                throw new UndecodableLogException(
                        "DayStartedEvent needs 2 topics, got " + log.getTopics().size());
            }
            List<Type> data = FunctionReturnDecoder.decode(log.getData(), (List) DAY_STARTED.getNonIndexedParameters());
            if (data.size() != 2) {
                throw new UndecodableLogException("DayStartedEvent data has " + data.size() + " values");
            }
            return new DayLog(
                    topicAddress(log.getTopics().get(1)),
                    ((BigInteger) data.get(0).getValue()).longValueExact(),
                    ((BigInteger) data.get(1).getValue()).longValueExact(),
                    log.getBlockNumber().longValueExact(),
                    log.getBlockHash().toLowerCase(),
                    log.getTransactionHash().toLowerCase(),
                    log.getLogIndex().intValueExact());
        } catch (
                RuntimeException
                        e) { // short data: web3j throws IndexOutOfBoundsException; too big: ArithmeticException
            throw new UndecodableLogException("bad DayStartedEvent log " + log.getTransactionHash() + ": " + e);
        }
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    public static ParameterLog decodeParameter(Log log) throws UndecodableLogException {
        boolean quota = hasTopic(log, QUOTA_UPDATED_TOPIC);
        Event event = quota ? QUOTA_UPDATED : DAY_SIZE_UPDATED;
        try {
            if (log.getTopics().size() != 2) {
                throw new UndecodableLogException(event.getName() + " needs 2 topics, got "
                        + log.getTopics().size());
            }
            List<Type> data = FunctionReturnDecoder.decode(log.getData(), (List) event.getNonIndexedParameters());
            if (data.size() != (quota ? 1 : 2)) {
                throw new UndecodableLogException(event.getName() + " data has " + data.size() + " values");
            }
            return new ParameterLog(
                    topicAddress(log.getTopics().get(1)),
                    quota,
                    ((BigInteger) data.get(0).getValue()).longValueExact(),
                    quota ? 0 : ((BigInteger) data.get(1).getValue()).longValueExact(),
                    log.getBlockNumber().longValueExact(),
                    log.getBlockHash().toLowerCase(),
                    log.getTransactionHash().toLowerCase(),
                    log.getLogIndex().intValueExact());
        } catch (
                RuntimeException
                        e) { // short data: web3j throws IndexOutOfBoundsException; too big: ArithmeticException
            throw new UndecodableLogException("bad " + event.getName() + " log " + log.getTransactionHash() + ": " + e);
        }
    }

    public static boolean isSlotUpdated(Log log) {
        return !log.getTopics().isEmpty()
                && SLOT_UPDATED_TOPIC.equalsIgnoreCase(log.getTopics().get(0));
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    public static EpochLog decodeEpoch(Log log) throws UndecodableLogException {
        try {
            if (log.getTopics().size() != 3) {
                throw new UndecodableLogException(
                        "EpochReleased needs 3 topics, got " + log.getTopics().size());
            }
            List<Type> data =
                    FunctionReturnDecoder.decode(log.getData(), (List) EPOCH_RELEASED.getNonIndexedParameters());
            if (data.size() != 3) {
                throw new UndecodableLogException("EpochReleased data has " + data.size() + " values");
            }
            return new EpochLog(
                    topicAddress(log.getTopics().get(1)),
                    topicNumber(log.getTopics().get(2)),
                    ((BigInteger) data.get(0).getValue()).longValueExact(),
                    ((BigInteger) data.get(1).getValue()).longValueExact(),
                    ((BigInteger) data.get(2).getValue()).longValueExact(),
                    log.getBlockNumber().longValueExact(),
                    log.getBlockHash().toLowerCase(),
                    log.getTransactionHash().toLowerCase(),
                    log.getLogIndex().intValueExact());
        } catch (
                RuntimeException
                        e) { // short data: web3j throws IndexOutOfBoundsException; too big: ArithmeticException
            throw new UndecodableLogException("bad EpochReleased log " + log.getTransactionHash() + ": " + e);
        }
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    public static SlotLog decodeSlot(Log log) throws UndecodableLogException {
        try {
            if (log.getTopics().size() != 3) {
                throw new UndecodableLogException("SlotSnapshotterUpdated needs 3 topics, got "
                        + log.getTopics().size());
            }
            List<Type> data = FunctionReturnDecoder.decode(
                    log.getData(), (List) SLOT_SNAPSHOTTER_UPDATED.getNonIndexedParameters());
            if (data.size() != 1) {
                throw new UndecodableLogException("SlotSnapshotterUpdated data has " + data.size() + " values");
            }
            return new SlotLog(
                    topicNumber(log.getTopics().get(1)),
                    topicAddress(log.getTopics().get(2)),
                    (Boolean) data.get(0).getValue(),
                    log.getBlockNumber().longValueExact(),
                    log.getBlockHash().toLowerCase(),
                    log.getLogIndex().intValueExact());
        } catch (
                RuntimeException
                        e) { // short data: web3j throws IndexOutOfBoundsException; too big: ArithmeticException
            throw new UndecodableLogException("bad SlotSnapshotterUpdated log " + log.getTransactionHash() + ": " + e);
        }
    }

    private static long topicNumber(String topic) {
        return Numeric.toBigInt(topic).longValueExact();
    }

    private static String topicAddress(String topic) {
        String hex = Numeric.cleanHexPrefix(topic);
        if (hex.length() != 64) {
            throw new IllegalArgumentException("topic is not 32 bytes: " + topic);
        }
        return "0x" + hex.substring(24).toLowerCase();
    }
}
