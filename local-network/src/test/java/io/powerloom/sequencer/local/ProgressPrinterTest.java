package io.powerloom.sequencer.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {

    @Test
    void batchesPrintByEpochThenIndexThenTheEpochEnd() {
        List<String> keys = new ArrayList<>(List.of("0xm|10|end", "0xm|10|1", "0xm|9|end", "0xm|10|0", "0xm|9|10",
                "0xm|9|2", "garbage"));
        keys.sort(Comparator.comparing(ProgressPrinter::batchOrder));
        assertThat(keys).containsExactly("0xm|9|2", "0xm|9|10", "0xm|9|end", "0xm|10|0", "0xm|10|1", "0xm|10|end", "garbage");
    }
}
