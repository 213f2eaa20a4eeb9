package io.powerloom.sequencer.chain.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.powerloom.sequencer.chain.read.ProtocolStateEvents.EpochLog;
import io.powerloom.sequencer.chain.read.ProtocolStateEvents.SlotLog;
import io.powerloom.sequencer.chain.read.ProtocolStateEvents.UndecodableLogException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.Log;

class ProtocolStateEventsTest {
    private static final String BLOCK = "0x" + "1a".repeat(32);
    private static final String TX = "0x" + "2b".repeat(32);
    private static final String DM = "000000000000000000000000" + "ab".repeat(20);

    private static String word(long v) {
        return String.format("%064x", v);
    }

    private static Log log(List<String> topics, String data) {
        return new Log(false, "0x5", "0x0", TX, BLOCK, "0x2a", "0x" + "cc".repeat(20), data, null, topics);
    }

    @Test
    void topicsAreTheHashesOfTheProductionEventSignatures() {
        assertThat(ProtocolStateEvents.EPOCH_RELEASED_TOPIC)
                .isEqualTo(Hash.sha3String("EpochReleased(address,uint256,uint256,uint256,uint256)"));
        assertThat(ProtocolStateEvents.SLOT_UPDATED_TOPIC)
                .isEqualTo(Hash.sha3String("SlotSnapshotterUpdated(uint256,address,bool)"));
        assertThat(ProtocolStateEvents.DAY_STARTED_TOPIC)
                .isEqualTo(Hash.sha3String("DayStartedEvent(address,uint256,uint256)"));
        assertThat(ProtocolStateEvents.QUOTA_UPDATED_TOPIC)
                .isEqualTo(Hash.sha3String("DailySnapshotQuotaUpdated(address,uint256)"));
        assertThat(ProtocolStateEvents.DAY_SIZE_UPDATED_TOPIC)
                .isEqualTo(Hash.sha3String("DaySizeUpdated(address,uint256,uint256)"));
    }

    @Test
    void decodesDayStartedAndParameterUpdates() throws Exception {
        Log day = log(List.of(ProtocolStateEvents.DAY_STARTED_TOPIC, "0x" + DM), "0x" + word(3) + word(1_732_460_000L));
        assertThat(ProtocolStateEvents.isDayStarted(day)).isTrue();
        assertThat(ProtocolStateEvents.decodeDay(day))
                .isEqualTo(new ProtocolStateEvents.DayLog("0x" + "ab".repeat(20), 3, 1_732_460_000L, 42, BLOCK, TX, 5));
        Log quota = log(List.of(ProtocolStateEvents.QUOTA_UPDATED_TOPIC, "0x" + DM), "0x" + word(1000));
        assertThat(ProtocolStateEvents.isParameterUpdated(quota)).isTrue();
        assertThat(ProtocolStateEvents.decodeParameter(quota))
                .isEqualTo(
                        new ProtocolStateEvents.ParameterLog("0x" + "ab".repeat(20), true, 1000, 0, 42, BLOCK, TX, 5));
        Log size = log(List.of(ProtocolStateEvents.DAY_SIZE_UPDATED_TOPIC, "0x" + DM), "0x" + word(86_400) + word(720));
        assertThat(ProtocolStateEvents.decodeParameter(size))
                .isEqualTo(new ProtocolStateEvents.ParameterLog(
                        "0x" + "ab".repeat(20), false, 86_400, 720, 42, BLOCK, TX, 5));
        Log shortSize = log(List.of(ProtocolStateEvents.DAY_SIZE_UPDATED_TOPIC, "0x" + DM), "0x" + word(86_400));
        assertThatThrownBy(() -> ProtocolStateEvents.decodeParameter(shortSize))
                .isInstanceOf(UndecodableLogException.class);
    }

    @Test
    void decodesEpochReleased() throws Exception {
        Log l = log(
                List.of(ProtocolStateEvents.EPOCH_RELEASED_TOPIC, "0x" + DM, "0x" + word(7)),
                "0x" + word(61) + word(70) + word(1_732_460_000L));
        assertThat(ProtocolStateEvents.isEpochReleased(l)).isTrue();
        assertThat(ProtocolStateEvents.isSlotUpdated(l)).isFalse();
        EpochLog e = ProtocolStateEvents.decodeEpoch(l);
        assertThat(e).isEqualTo(new EpochLog("0x" + "ab".repeat(20), 7, 61, 70, 1_732_460_000L, 42, BLOCK, TX, 5));
    }

    @Test
    void decodesSlotSnapshotterUpdated() throws Exception {
        Log l = log(List.of(ProtocolStateEvents.SLOT_UPDATED_TOPIC, "0x" + word(9), "0x" + DM), "0x" + word(1));
        SlotLog s = ProtocolStateEvents.decodeSlot(l);
        assertThat(s).isEqualTo(new SlotLog(9, "0x" + "ab".repeat(20), true, 42, BLOCK, 5));
    }

    @Test
    void badLogsAreTypedErrorsWithAReason() {
        Log missingTopic =
                log(List.of(ProtocolStateEvents.EPOCH_RELEASED_TOPIC, "0x" + DM), "0x" + word(1) + word(2) + word(3));
        assertThatThrownBy(() -> ProtocolStateEvents.decodeEpoch(missingTopic))
                .isInstanceOf(UndecodableLogException.class)
                .hasMessageContaining("3 topics");
        Log hugeEpoch = log(
                List.of(ProtocolStateEvents.EPOCH_RELEASED_TOPIC, "0x" + DM, "0x" + "ff".repeat(32)),
                "0x" + word(1) + word(2) + word(3));
        assertThatThrownBy(() -> ProtocolStateEvents.decodeEpoch(hugeEpoch))
                .isInstanceOf(UndecodableLogException.class);
        Log shortData = log(List.of(ProtocolStateEvents.SLOT_UPDATED_TOPIC, "0x" + word(9), "0x" + DM), "0x");
        assertThatThrownBy(() -> ProtocolStateEvents.decodeSlot(shortData)).isInstanceOf(UndecodableLogException.class);
    }
}
