package io.powerloom.sequencer.chain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RevertReasonsTest {
    /** Revert data for {@code require(false, "E25")} as returned by a node (solc's encoding, taken from Anvil). */
    private static final String E25 = "0x08c379a0"
            + "0000000000000000000000000000000000000000000000000000000000000020"
            + "0000000000000000000000000000000000000000000000000000000000000003"
            + "4532350000000000000000000000000000000000000000000000000000000000";

    @Test
    void decodesErrorString() {
        assertThat(RevertReasons.decode(E25)).contains("E25");
        assertThat(RevertReasons.decode(E25.toUpperCase().replace("0X", "0x"))).contains("E25");
    }

    @Test
    void encodeIsTheInverseOfDecode() {
        assertThat(RevertReasons.encode("E25")).isEqualTo(E25);
        for (String reason : new String[] {"", "E04", "a reason longer than thirty-two bytes, so two words ✓"}) {
            assertThat(RevertReasons.decode(RevertReasons.encode(reason))).contains(reason);
        }
    }

    @Test
    void otherDataIsNotAReason() {
        assertThat(RevertReasons.decode(null)).isEmpty();
        assertThat(RevertReasons.decode("0x")).isEmpty();
        // Panic(uint256) 0x11 (arithmetic overflow)
        assertThat(RevertReasons.decode(
                        "0x4e487b71" + "0000000000000000000000000000000000000000000000000000000000000011"))
                .isEmpty();
        // truncated
        assertThat(RevertReasons.decode(E25.substring(0, E25.length() - 10))).isEmpty();
        // length word claims more bytes than present
        assertThat(RevertReasons.decode(E25.replace(
                        "0000000000000000000000000000000000000000000000000000000000000003",
                        "00000000000000000000000000000000000000000000000000000000000000ff")))
                .isEmpty();
    }

    @Test
    void stripsTheNodesPrefix() {
        assertThat(RevertReasons.fromMessage("execution reverted: E43")).isEqualTo("E43");
        assertThat(RevertReasons.fromMessage("E43")).isEqualTo("E43");
        assertThat(RevertReasons.fromMessage(null)).isNull();
    }
}
