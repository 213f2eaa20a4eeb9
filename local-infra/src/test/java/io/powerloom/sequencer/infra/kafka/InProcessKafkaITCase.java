package io.powerloom.sequencer.infra.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker contract against {@link InProcessKafka}. */
class InProcessKafkaITCase extends KafkaBrokerContract {

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Override
    KafkaExtension kafka() {
        return KAFKA;
    }

    @Test
    void runsInThisJvmOnLoopback() {
        assertThat(KAFKA.mode()).isEqualTo(KafkaExtension.Mode.IN_PROCESS);
        assertThat(KAFKA.broker()).isInstanceOf(InProcessKafka.class);
        assertThat(KAFKA.bootstrapServers()).matches("(localhost|127\\.0\\.0\\.1):\\d+(,.*)?");
    }
}
