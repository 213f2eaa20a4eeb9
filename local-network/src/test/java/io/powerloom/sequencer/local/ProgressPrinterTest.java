package io.powerloom.sequencer.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {

    @Test
    void eachDaysEligibleNodesAndEachCountTransactionIsOneLine() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        String m = "\"dataMarket\":\"0xm\"";
        List<com.fasterxml.jackson.databind.JsonNode> records = new ArrayList<>();
        records.add(json.readTree("{\"type\":\"dayEligible\"," + m + ",\"day\":1,\"eligibleNodes\":2,\"quota\":100,"
                + "\"epochId\":25,\"status\":\"COMMITTED\",\"txHash\":\"0xe1\",\"blockNumber\":9}"));
        for (int slot = 1; slot <= 2; slot++) {
            records.add(json.readTree("{\"type\":\"slotCount\"," + m + ",\"day\":1,\"slotId\":" + slot + ",\"count\":"
                    + (100 + slot) + ",\"kind\":\"FINAL\",\"eligible\":true,\"epochId\":25,\"status\":\"COMMITTED\","
                    + "\"txHash\":\"0xf1\",\"blockNumber\":10}"));
        }
        records.add(json.readTree("{\"type\":\"slotCount\"," + m + ",\"day\":2,\"slotId\":3,\"count\":4,"
                + "\"kind\":\"PERIODIC\",\"eligible\":false,\"epochId\":30,\"status\":\"ALREADY_DONE\"}"));
        assertThat(ProgressPrinter.countLines(records))
                .containsExactly(
                        "day 1: 2 eligible nodes (quota 100), committed at epoch 25: tx=0xe1",
                        "day 1 final counts committed at epoch 25: slots 1..2 (2 slots, counts 101..102) tx=0xf1",
                        "day 2 periodic counts already done at epoch 30: slots 3..3 (1 slots, counts 4..4) tx=-");
    }

    @Test
    void batchesPrintByEpochThenIndexThenTheEpochEnd() {
        List<String> keys = new ArrayList<>(
                List.of("0xm|10|end", "0xm|10|1", "0xm|9|end", "0xm|10|0", "0xm|9|10", "0xm|9|2", "garbage"));
        keys.sort(Comparator.comparing(ProgressPrinter::batchOrder));
        assertThat(keys)
                .containsExactly("0xm|9|2", "0xm|9|10", "0xm|9|end", "0xm|10|0", "0xm|10|1", "0xm|10|end", "garbage");
    }
}
