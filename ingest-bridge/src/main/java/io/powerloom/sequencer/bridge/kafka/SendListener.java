package io.powerloom.sequencer.bridge.kafka;

/** Told once when a record sent to Kafka is acknowledged or has finally failed (called on the producer's I/O thread). */
public interface SendListener {
    /** The broker acknowledged the record ({@code acks=all}); {@code latencyNanos} is send to ack. */
    void onAcked(long latencyNanos);

    /** The record could not be written (after the producer's own retries). */
    void onFailed(Exception error);

    /** A listener that does nothing. */
    SendListener NONE = new SendListener() {
        @Override
        public void onAcked(long latencyNanos) {}

        @Override
        public void onFailed(Exception error) {}
    };
}
