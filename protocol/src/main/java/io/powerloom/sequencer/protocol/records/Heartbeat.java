package io.powerloom.sequencer.protocol.records;

import java.util.Objects;

/**
 * A bridge heartbeat, written explicitly to every partition of the submissions topic so that event
 * time advances with data even on partitions without submissions.
 *
 * @param receivedAtMs bridge wall clock (also the Kafka record timestamp)
 * @param bridgeId     the bridge instance
 * @param partition    the partition this heartbeat was written to
 * @param sequence     per (bridge, partition) counter
 */
public record Heartbeat(long receivedAtMs, String bridgeId, int partition, long sequence)
        implements SubmissionTopicRecord, java.io.Serializable {

    public Heartbeat {
        Objects.requireNonNull(bridgeId, "bridgeId");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0: " + partition);
        }
    }
}
