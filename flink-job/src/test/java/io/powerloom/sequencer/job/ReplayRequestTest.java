package io.powerloom.sequencer.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The replay's own arguments, read by the one argument parser; everything else goes on to the job's settings. */
class ReplayRequestTest {
    @Test
    void takesTheReplaysKeysAndPassesTheRestToTheJob() {
        ReplayJob.Request r = ReplayJob.parse(new String[] {
            "--mode",
            "audit",
            "--sequencer.kafka.bootstrap-servers",
            "broker:9092",
            "--from=epoch:12",
            "--market",
            "0xAbCdEf0123456789abcdef0123456789ABCDEF01",
            "--run-id",
            "r-1",
            "--batch.size",
            "20"
        });
        assertThat(r.mode()).isEqualTo("audit");
        assertThat(r.from()).isEqualTo("epoch:12");
        assertThat(r.to()).isEqualTo("latest");
        assertThat(r.market()).isEqualTo("0xabcdef0123456789abcdef0123456789abcdef01");
        assertThat(r.runId()).isEqualTo("r-1");
        assertThat(r.jobArgs())
                .containsExactly("--sequencer.kafka.bootstrap-servers", "broker:9092", "--batch.size", "20");
    }

    @Test
    void refusesWhatTheReplayCannotRun() {
        assertThatThrownBy(() -> ReplayJob.parse(new String[] {"--mode", "audti", "--from", "epoch:1"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--mode must be audit or reanchor, was 'audti'");
        assertThatThrownBy(() -> ReplayJob.parse(new String[] {"--mode", "audit", "--from"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--from");
        assertThatThrownBy(() -> ReplayJob.parse(new String[] {"--mode", "audit", "--from", "block:1"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected epoch:<number>");
        assertThatThrownBy(() -> ReplayJob.parse(new String[] {"audit", "--from", "epoch:1"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unexpected argument");
    }
}
