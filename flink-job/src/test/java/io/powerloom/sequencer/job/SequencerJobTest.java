package io.powerloom.sequencer.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class SequencerJobTest {

    @Test
    void bringsHeapTimersAndBloomFiltersWhenNothingIsConfigured() {
        Configuration defaults = SequencerJob.stateDefaults(new Configuration());

        assertThat(defaults.toMap())
                .containsEntry("state.backend.rocksdb.timer-service.factory", "HEAP")
                .containsEntry("state.backend.rocksdb.use-bloom-filter", "true")
                .hasSize(2);
    }

    @Test
    void leavesWhatTheClusterOrTheSubmissionSetsAlone() {
        Configuration given = new Configuration();
        given.setString("state.backend.rocksdb.timer-service.factory", "ROCKSDB");
        given.setString("state.backend.rocksdb.use-bloom-filter", "false");

        assertThat(SequencerJob.stateDefaults(given).toMap()).isEmpty();
    }
}
