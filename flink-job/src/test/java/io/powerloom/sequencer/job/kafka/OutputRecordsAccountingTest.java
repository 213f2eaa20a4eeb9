package io.powerloom.sequencer.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.accounting.AccountingAction;
import io.powerloom.sequencer.accounting.DiscardedSubmission;
import io.powerloom.sequencer.accounting.SlotCount;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The slot-counts and discarded records, byte for byte as agreed with the query service. */
class OutputRecordsAccountingTest {
    private static final String M = "0x00000000000000000000000000000000000000a1";
    private static final String TX = "0x" + "ab".repeat(32);

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void slotCountRecords() {
        SlotCount c = new SlotCount(
                M, 3, 17, 412, AccountingAction.Kind.FINAL, true, 400, 57, SlotCount.COMMITTED, TX, 123, null, 99);
        assertThat(s(OutputRecords.key(c))).isEqualTo(M + "|3|17");
        assertThat(s(OutputRecords.value(c)))
                .isEqualTo("{\"v\":1,\"type\":\"slotCount\",\"dataMarket\":\"" + M
                        + "\",\"day\":3,\"slotId\":17,\"count\":412,\"kind\":\"FINAL\",\"eligible\":true,\"epochId\":57,"
                        + "\"status\":\"COMMITTED\",\"txHash\":\"" + TX + "\",\"blockNumber\":123}");
        SlotCount failed = new SlotCount(
                M,
                3,
                18,
                5,
                AccountingAction.Kind.PERIODIC,
                false,
                400,
                60,
                SlotCount.FAILED,
                null,
                -1,
                "DAY_NOT_OPEN: E38",
                -1);
        assertThat(s(OutputRecords.value(failed)))
                .isEqualTo("{\"v\":1,\"type\":\"slotCount\",\"dataMarket\":\"" + M
                        + "\",\"day\":3,\"slotId\":18,\"count\":5,\"kind\":\"PERIODIC\",\"eligible\":false,\"epochId\":60,"
                        + "\"status\":\"FAILED\",\"detail\":\"DAY_NOT_OPEN: E38\"}");
    }

    @Test
    void dayEligibleRecord() {
        SlotCount e = new SlotCount(
                M, 3, -1, 303, AccountingAction.Kind.FINAL, false, 400, 105, SlotCount.ALREADY_DONE, null, -1, null, 5);
        assertThat(s(OutputRecords.key(e))).isEqualTo(M + "|3|eligible");
        assertThat(s(OutputRecords.value(e)))
                .isEqualTo(
                        "{\"v\":1,\"type\":\"dayEligible\",\"dataMarket\":\"" + M
                                + "\",\"day\":3,\"eligibleNodes\":303,\"quota\":400,\"epochId\":105,\"status\":\"ALREADY_DONE\"}");
    }

    @Test
    void discardedRecord() {
        DiscardedSubmission d = new DiscardedSubmission(
                M,
                57,
                3,
                "p:0x1:U",
                17,
                "0b7a3c9e-0000-4000-8000-000000000001",
                "bafkother",
                "bafkwinner",
                1733450000000L);
        assertThat(s(OutputRecords.key(d))).isEqualTo("0b7a3c9e-0000-4000-8000-000000000001");
        assertThat(s(OutputRecords.value(d)))
                .isEqualTo("{\"v\":1,\"type\":\"discarded\",\"dataMarket\":\"" + M
                        + "\",\"epochId\":57,\"day\":3,\"projectId\":\"p:0x1:U\",\"slotId\":17,"
                        + "\"submissionId\":\"0b7a3c9e-0000-4000-8000-000000000001\",\"snapshotCid\":\"bafkother\","
                        + "\"winningCid\":\"bafkwinner\",\"receivedAtMs\":1733450000000}");
        DiscardedSubmission unfinalized = new DiscardedSubmission(M, 57, 3, "p", 17, "id", "bafkother", null, 1);
        assertThat(s(OutputRecords.value(unfinalized))).doesNotContain("winningCid");
    }
}
