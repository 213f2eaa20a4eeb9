package io.powerloom.sequencer.infra.kafka;

/**
 * A running single-node Kafka cluster on this machine, either {@link KafkaBroker} (own JVM) or
 * {@link InProcessKafka} (inside this JVM). Closing it stops the broker.
 */
public interface LocalKafka extends AutoCloseable {

    /** {@code bootstrap.servers} for clients, e.g. {@code 127.0.0.1:40123}. */
    String bootstrapServers();

    /** Stops the broker and waits until it is gone. */
    @Override
    void close();
}
