package io.powerloom.sequencer.bridge.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.chain.DataMarketConfig;
import io.powerloom.sequencer.chain.ProtocolStateDeployer;
import io.powerloom.sequencer.chain.ProtocolStateDeployment;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.infra.anvil.Anvil;
import io.powerloom.sequencer.infra.anvil.AnvilExtension;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * Catch-up speed of the {@link ChainWatcher}: a chain of {@code bench.blocks} blocks (default 20,000) with an epoch
 * release every 100 blocks, followed from the deployment block into a real broker. Anvil keeps the state of recent
 * blocks only, so most window reads fall back to the latest state (counted). Off by default; run with
 *
 * <pre>
 * mvn -B -o -q -pl ingest-bridge -am verify -Dbench=true -Dit.test=ChainWatcherBenchmarkITCase -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class ChainWatcherBenchmarkITCase {
    private static final long CHAIN_ID = 11172;

    @RegisterExtension
    static final AnvilExtension CHAIN = new AnvilExtension(Anvil.builder().chainId(CHAIN_ID));

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void catchUp() throws Exception {
        int blocks = Integer.getInteger("bench.blocks", 20_000);
        Anvil anvil = CHAIN.anvil();
        Web3j web3j = Web3j.build(new HttpService(anvil.rpcUrl()));
        try {
            String market = "0x00000000000000000000000000000000000000bb";
            ProtocolStateDeployment d = new ProtocolStateDeployer(
                            web3j, Credentials.create(anvil.privateKey(0)), CHAIN_ID)
                    .deploy(
                            new DataMarketConfig(market, 10, 120, 40, anvil.address(1), List.of(anvil.address(2))),
                            1,
                            List.of(anvil.address(3)));
            PowerloomProtocolState asManager = ProtocolStateDeployer.load(
                    d.contractAddress(), web3j, Credentials.create(anvil.privateKey(1)), CHAIN_ID);
            int epochs = blocks / 100;
            for (int e = 0; e < epochs; e++) {
                asManager
                        .releaseEpoch(market, BigInteger.valueOf(1 + 10L * e), BigInteger.valueOf(10 + 10L * e))
                        .send();
                anvil.mine(99);
            }
            long head = anvil.blockNumber();
            ChainWatcherConfig cfg = ChainWatcherConfig.builder(
                            anvil.rpcUrl(), d.contractAddress(), KAFKA.bootstrapServers())
                    .startBlock(d.deployBlock().longValueExact())
                    .confirmations(0)
                    .maxBlockRange(500)
                    .pollInterval(Duration.ofMillis(100))
                    .build();
            long t0 = System.nanoTime();
            try (ChainWatcher w = new ChainWatcher(cfg)) {
                w.start();
                while (w.metrics().processedBlock() < head) {
                    Thread.sleep(20);
                }
                double s = (System.nanoTime() - t0) / 1e9;
                long processed = head - cfg.startBlock() + 1;
                String line = String.format(
                        "chain watcher catch-up: %d blocks with %d epoch releases in %.1f s = %.0f blocks/s"
                                + " (ranges of 500 blocks, %d records, %d cores)",
                        processed,
                        epochs,
                        s,
                        processed / s,
                        w.metrics().recordsWritten(),
                        Runtime.getRuntime().availableProcessors());
                System.out.println(line);
                Files.writeString(
                        Path.of("target", "chain-watcher-benchmark.txt"),
                        line + System.lineSeparator(),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                assertThat(w.metrics().recordsWritten()).isGreaterThanOrEqualTo(processed + epochs);
                System.out.println("window fallbacks: " + w.metrics().snapshot().get("chain_window_fallbacks_total"));
            }
        } finally {
            web3j.shutdown();
        }
    }
}
