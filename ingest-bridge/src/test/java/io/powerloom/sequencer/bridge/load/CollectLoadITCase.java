package io.powerloom.sequencer.bridge.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.SubmissionEnvelope;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A small run of the load driver, so that it keeps working: every pushed submission lands once, within the in-flight bound. */
class CollectLoadITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void smallLoadLandsCompletelyWithinTheInFlightBound() throws Exception {
        KAFKA.createTopic("load-submissions", 4);
        KAFKA.createTopic("load-rejects", 1);
        CollectLoadDriver.Result r = CollectLoadDriver.run(CollectLoadDriver.Options.parse(new String[] {
            "--bootstrap",
            KAFKA.bootstrapServers(),
            "--topic",
            "load-submissions",
            "--rejects-topic",
            "load-rejects",
            "--streams",
            "60",
            "--connections",
            "2",
            "--submissions",
            "6000",
            "--warmup",
            "0",
            "--distinct",
            "300",
            "--progress",
            "false",
            "--bridge",
            "collect.global.inflight.high=200",
            "--bridge",
            "collect.global.inflight.low=100"
        }));
        assertThat(r.accepted()).isEqualTo(6000);
        assertThat(r.rejected()).isZero();
        assertThat(r.maxInFlight())
                .as("global mark 200 plus at most one 4 KiB slice per event loop")
                .isLessThanOrEqualTo(200 + 2 * 8);
        assertThat(r.rate()).isPositive();
        assertThat(r.p99Ms()).isPositive();

        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<String, byte[]> rec :
                KAFKA.readAll("load-submissions", 6000 + 100, Duration.ofSeconds(30))) {
            if (RecordCodec.decodeSubmissionTopic(rec.value()) instanceof SubmissionEnvelope env) {
                assertThat(ids.add(env.submissionId())).as("no duplicates").isTrue();
            }
        }
        assertThat(ids).hasSize(6000);
    }

    @Test
    void goCollectorModeHoldsLazyPoolsAndDeliversEverySubmissionOnce() throws Exception {
        KAFKA.createTopic("load-go", 4);
        KAFKA.createTopic("load-go-rejects", 1);
        CollectLoadDriver.Result r = CollectLoadDriver.run(CollectLoadDriver.Options.parse(new String[] {
            "--bootstrap",
            KAFKA.bootstrapServers(),
            "--topic",
            "load-go",
            "--rejects-topic",
            "load-go-rejects",
            "--mode",
            "go",
            "--collectors",
            "20",
            "--client-hosts",
            "2",
            "--submissions",
            "4000",
            "--warmup",
            "0",
            "--distinct",
            "300",
            "--progress",
            "false"
        }));
        assertThat(r.connections()).isEqualTo(20);
        assertThat(r.streams()).isEqualTo(2000);
        assertThat(r.accepted()).isEqualTo(4000);
        assertThat(r.rejected()).isZero();
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<String, byte[]> rec : KAFKA.readAll("load-go", 4000 + 100, Duration.ofSeconds(30))) {
            if (RecordCodec.decodeSubmissionTopic(rec.value()) instanceof SubmissionEnvelope env) {
                assertThat(ids.add(env.submissionId())).as("no duplicates").isTrue();
            }
        }
        assertThat(ids).hasSize(4000);
    }
}
