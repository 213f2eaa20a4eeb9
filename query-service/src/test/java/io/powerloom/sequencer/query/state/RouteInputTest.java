package io.powerloom.sequencer.query.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.powerloom.sequencer.query.state.RouteInput.Input;
import io.powerloom.sequencer.query.state.RouteInput.Routed;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteInputTest {
    static final String M = "0x00000000000000000000000000000000000000aa";

    @Test
    void aDiscardedSubmissionTouchesItsEpochItsSlotAndItsMarket() throws Exception {
        byte[] v = ("{\"v\":1,\"type\":\"discarded\",\"dataMarket\":\"" + M + "\",\"epochId\":57,\"day\":3,"
                        + "\"projectId\":\"p\",\"slotId\":17,\"submissionId\":\"s\",\"snapshotCid\":\"c\",\"winningCid\":\"w\","
                        + "\"receivedAtMs\":1}")
                .getBytes(StandardCharsets.UTF_8);
        List<Routed> r = RouteInput.route(Input.DISCARDED, null, v, 0);
        assertThat(r)
                .extracting(Routed::partitionKey)
                .containsExactly(Keys.epoch(M, 57), Keys.slot(17), Keys.marketKey(M));
    }

    @Test
    void heartbeatsAndBlockHeadsAreNotRouted() throws Exception {
        assertThat(RouteInput.route(
                        Input.SUBMISSIONS,
                        "hb".getBytes(StandardCharsets.UTF_8),
                        "{}".getBytes(StandardCharsets.UTF_8),
                        0))
                .isEmpty();
        assertThat(RouteInput.route(
                        Input.PROTOCOL_CHAIN, null, "{\"v\":1,\"type\":\"block\"}".getBytes(StandardCharsets.UTF_8), 0))
                .isEmpty();
    }

    @Test
    void undecodableRecordsSayWhy() {
        assertThatThrownBy(() -> RouteInput.route(Input.FINALIZED, null, "nope".getBytes(StandardCharsets.UTF_8), 0))
                .hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> RouteInput.route(
                        Input.SLOT_COUNTS,
                        null,
                        "{\"v\":1,\"type\":\"slotCount\",\"dataMarket\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                        0))
                .hasMessageContaining("\"day\"");
    }

    @Test
    void numbersSortAsNumbersInKeys() {
        assertThat(Keys.epoch(M, 9).compareTo(Keys.epoch(M, 10))).isNegative();
        assertThat(Keys.num(-1L)).isEqualTo("18446744073709551615");
    }

    @Test
    void aDayStartGoesToItsMarketAndARetractionSaysSo() throws Exception {
        io.powerloom.sequencer.protocol.records.DayStarted d = new io.powerloom.sequencer.protocol.records.DayStarted(
                M, 5, 500, 1_700_000_000L, 1234, "0x" + "11".repeat(32), "0x" + "22".repeat(32), 0, 1_000, false);
        List<Routed> r = RouteInput.route(
                Input.PROTOCOL_CHAIN,
                M.getBytes(StandardCharsets.UTF_8),
                io.powerloom.sequencer.protocol.records.RecordCodec.encode(d),
                0);
        assertThat(r).extracting(Routed::partitionKey).containsExactly(Keys.marketKey(M));
        assertThat(r.get(0).event().path("startedDay").asLong()).isEqualTo(5);
        assertThat(r.get(0).event().path("removed").asBoolean()).isFalse();
        List<Routed> gone = RouteInput.route(
                Input.PROTOCOL_CHAIN,
                M.getBytes(StandardCharsets.UTF_8),
                io.powerloom.sequencer.protocol.records.RecordCodec.encode(d.retracted(2_000)),
                0);
        assertThat(gone.get(0).event().path("removed").asBoolean()).isTrue();
    }
}
