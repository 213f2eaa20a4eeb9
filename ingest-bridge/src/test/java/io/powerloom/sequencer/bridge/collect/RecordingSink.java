package io.powerloom.sequencer.bridge.collect;

import io.powerloom.sequencer.bridge.kafka.RejectRecord;
import io.powerloom.sequencer.bridge.kafka.SendListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A {@link SubmissionSink} that keeps what it is given and acknowledges only when the test says so. */
final class RecordingSink implements SubmissionSink {
    record Sent(String submissionId, String peerId, long slotId, String json) {}

    final List<Sent> sent = new ArrayList<>();
    final List<RejectRecord> rejects = new ArrayList<>();
    private final Deque<SendListener> pending = new ArrayDeque<>();
    long clock = 1_700_000_000_000L;

    @Override
    public synchronized void sendSubmission(
            String submissionId, String peerId, long slotId, String submissionJson, SendListener listener) {
        sent.add(new Sent(submissionId, peerId, slotId, submissionJson));
        pending.add(listener);
    }

    /** Rejects are acknowledged at once (tests of acknowledgements look at submissions). */
    @Override
    public void sendReject(RejectRecord reject, SendListener listener) {
        synchronized (this) {
            rejects.add(reject);
        }
        listener.onAcked(1_000);
    }

    @Override
    public long now() {
        return clock;
    }

    /** Acknowledges the {@code n} oldest pending sends. */
    void ack(int n) {
        for (int i = 0; i < n; i++) {
            SendListener l;
            synchronized (this) {
                l = pending.poll();
            }
            if (l == null) {
                throw new IllegalStateException("only " + i + " sends were pending");
            }
            l.onAcked(1_000_000);
        }
    }

    /** Acknowledges every pending send, oldest first (including those sent while acknowledging). */
    void ackAll() {
        while (true) {
            SendListener l;
            synchronized (this) {
                l = pending.poll();
            }
            if (l == null) {
                return;
            }
            l.onAcked(1_000_000);
        }
    }

    /** Fails the oldest pending send. */
    void fail() {
        SendListener l;
        synchronized (this) {
            l = pending.poll();
        }
        l.onFailed(new RuntimeException("broker said no"));
    }

    synchronized int pending() {
        return pending.size();
    }
}
