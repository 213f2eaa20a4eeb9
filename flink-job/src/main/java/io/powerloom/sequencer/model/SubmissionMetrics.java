package io.powerloom.sequencer.model;

import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The counts one stage keeps, registered on its operator's metric group: {@code rejected_<reason>} for every reason
 * the stage can reject for (so a reason that never happened shows 0, not nothing), plus {@code received} or
 * {@code accepted} where the stage is where submissions enter or leave verification. Each stage registers only its
 * own counters, so the web UI never shows a count an operator cannot produce.
 */
public final class SubmissionMetrics {
    private final Counter received;
    private final Counter accepted;
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);

    private SubmissionMetrics(
            MetricGroup group, boolean countsReceived, boolean countsAccepted, RejectReason... reasons) {
        received = countsReceived ? group.counter("received") : null;
        accepted = countsAccepted ? group.counter("accepted") : null;
        for (RejectReason reason : reasons) {
            rejected.put(reason, group.counter(reason.metricName()));
        }
    }

    /** Decode and recover: what arrives, and what is rejected before the slot registry is consulted. */
    public static SubmissionMetrics decodeAndRecover(MetricGroup group) {
        return new SubmissionMetrics(
                group,
                true,
                false,
                RejectReason.UNDECODABLE_RECORD,
                RejectReason.MALFORMED_SUBMISSION,
                RejectReason.BAD_SIGNATURE,
                RejectReason.UNKNOWN_DATA_MARKET,
                RejectReason.FLAGGED_SIGNER);
    }

    /** Slot rules: what passes every verify rule, and the slot, deadline and limit rejections. */
    public static SubmissionMetrics slotRules(MetricGroup group) {
        return new SubmissionMetrics(
                group,
                false,
                true,
                RejectReason.SLOT_NOT_REGISTERED,
                RejectReason.SLOT_INACTIVE,
                RejectReason.SIGNER_NOT_SLOT_OWNER,
                RejectReason.DEADLINE_PASSED,
                RejectReason.SLOT_EPOCH_LIMIT);
    }

    /** Finalize: the window and last-wins rejections. */
    public static SubmissionMetrics finalizeStage(MetricGroup group) {
        return new SubmissionMetrics(
                group,
                false,
                false,
                RejectReason.REPLACED,
                RejectReason.LATE,
                RejectReason.EARLY,
                RejectReason.UNKNOWN_EPOCH);
    }

    public void received() {
        received.inc();
    }

    public void accepted() {
        accepted.inc();
    }

    public void rejected(RejectReason reason) {
        Counter c = rejected.get(reason);
        if (c == null) {
            throw new IllegalStateException("this stage does not count " + reason);
        }
        c.inc();
    }
}
