package io.powerloom.sequencer.chain.commit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.Response;

class RevertReasonsTest {
    // Error("E25") ABI-encoded
    private static final String E25 = "0x08c379a0"
            + "0000000000000000000000000000000000000000000000000000000000000020"
            + "0000000000000000000000000000000000000000000000000000000000000003"
            + "4532350000000000000000000000000000000000000000000000000000000000";

    private static Response.Error error(String message, String data) {
        Response.Error e = new Response.Error(3, message);
        e.setData(data);
        return e;
    }

    @Test
    void codeFromRevertData() {
        assertThat(RevertReasons.code(error("execution reverted", E25))).contains("E25");
        assertThat(RevertReasons.code(error("execution reverted", "\"" + E25 + "\""))).contains("E25");
    }

    @Test
    void codeFromMessageWhenThereIsNoData() {
        assertThat(RevertReasons.code(error("execution reverted: E04", null))).contains("E04");
    }

    @Test
    void noCodeForOtherErrors() {
        assertThat(RevertReasons.code(error("insufficient funds for gas * price + value", null))).isEmpty();
        assertThat(RevertReasons.code(error("execution reverted", "0x"))).isEmpty();
        assertThat(RevertReasons.code(null)).isEmpty();
    }
}
