package io.powerloom.sequencer.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.infra.anvil.Anvil;
import io.powerloom.sequencer.infra.anvil.AnvilExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/** The deployment command line against a real Anvil: what it prints is what is on chain. */
class DeployProtocolStateITCase {
    @RegisterExtension
    static final AnvilExtension CHAIN = new AnvilExtension(Anvil.builder().chainId(777));

    @Test
    void deploysAndPrintsTheDeployment() throws Exception {
        Anvil anvil = CHAIN.anvil();
        String dm = "0x0000000000000000000000000000000000000d01";
        String[] args = {
            "--rpc=" + anvil.rpcUrl(),
            "--chain-id=777",
            "--owner-key=" + anvil.privateKey(0),
            "--data-market=" + dm,
            "--epoch-size=10",
            "--snapshot-window=120",
            "--batch-window=50",
            "--epoch-manager=" + anvil.address(1),
            "--sequencer=" + anvil.address(2),
            "--sequencer=" + anvil.address(3),
            "--first-slot=7",
            "--snapshotter=" + anvil.address(4),
            "--snapshotter=" + anvil.address(5)
        };
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            DeployProtocolState.main(args);
        } finally {
            System.setOut(stdout);
        }
        JsonNode out = new ObjectMapper()
                .readTree(captured.toString(StandardCharsets.UTF_8).trim());
        assertThat(out.path("chainId").asLong()).isEqualTo(777);
        assertThat(out.path("dataMarket").asText()).isEqualTo(dm);
        assertThat(out.path("slots").path("7").asText()).isEqualTo(anvil.address(4));
        assertThat(out.path("slots").path("8").asText()).isEqualTo(anvil.address(5));
        assertThat(out.path("sequencers")).hasSize(2);

        Web3j web3j = Web3j.build(new HttpService(anvil.rpcUrl()));
        try {
            PowerloomProtocolState contract = ProtocolStateDeployer.load(
                    out.path("contractAddress").asText(), web3j, Credentials.create(anvil.privateKey(9)), 777);
            assertThat(contract.slotSnapshotterMapping(BigInteger.valueOf(8)).send())
                    .isEqualToIgnoringCase(anvil.address(5));
            assertThat(contract.getTotalSequencersCount(dm).send()).isEqualTo(BigInteger.TWO);
            assertThat(contract.epochManager(dm).send()).isEqualToIgnoringCase(anvil.address(1));
            assertThat(contract.batchSubmissionWindow(dm).send()).isEqualTo(BigInteger.valueOf(50));
            assertThat(out.path("deployBlock").asLong()).isPositive();
        } finally {
            web3j.shutdown();
        }
    }

    @Test
    void rejectsMalformedArguments() {
        assertThatThrownBy(() -> DeployProtocolState.parse(new String[] {"rpc=x"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--name=value");
        assertThat(DeployProtocolState.parse(new String[] {"--a=1", "--a=2", "--b="}))
                .containsEntry("a", java.util.List.of("1", "2"))
                .containsEntry("b", java.util.List.of(""));
    }
}
