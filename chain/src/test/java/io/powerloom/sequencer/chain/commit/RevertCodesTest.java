package io.powerloom.sequencer.chain.commit;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.chain.RevertReasons;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.Response;

class RevertCodesTest {
    // Error("E25") ABI-encoded, written out by hand
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
        assertThat(RevertCodes.code(error("execution reverted", E25))).contains("E25");
        assertThat(RevertCodes.code(error("execution reverted", "\"" + E25 + "\"")))
                .contains("E25");
        assertThat(RevertCodes.code(error("execution reverted", RevertReasons.encode("E43"))))
                .contains("E43");
    }

    @Test
    void codeFromMessageWhenThereIsNoData() {
        assertThat(RevertCodes.code(error("execution reverted: E04", null))).contains("E04");
    }

    @Test
    void noCodeForOtherErrors() {
        assertThat(RevertCodes.code(error("insufficient funds for gas * price + value", null)))
                .isEmpty();
        assertThat(RevertCodes.code(error("execution reverted", "0x"))).isEmpty();
        assertThat(RevertCodes.code(error("nonce too low: E25 is not a code here", null)))
                .isEmpty();
        assertThat(RevertCodes.code(null)).isEmpty();
    }

    @Test
    void revertsAreFinalNodeFailuresAreNot() {
        assertThat(RevertCodes.isRevert(error("execution reverted", E25))).isTrue();
        assertThat(RevertCodes.isRevert(error("execution reverted", "0x"))).isTrue();
        assertThat(RevertCodes.isRevert(error("BlockOutOfRangeError: block height is 44 but requested was 43", null)))
                .isFalse();
        assertThat(RevertCodes.isRevert(error("header not found", null))).isFalse();
        assertThat(RevertCodes.isRevert(null)).isFalse();
    }
}
