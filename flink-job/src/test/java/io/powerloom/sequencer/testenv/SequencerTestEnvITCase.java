package io.powerloom.sequencer.testenv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.powerloom.sequencer.infra.anvil.Anvil;
import io.powerloom.sequencer.job.Snapshotters;
import java.time.Duration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link SequencerTestEnv} registered for a class: every part runs during the tests, test methods get what the parts
 * inject, the job's environment is the MiniCluster; built by hand, it stops every part it started; a part left out is
 * refused by name.
 */
class SequencerTestEnvITCase {
    @RegisterExtension
    static final SequencerTestEnv ENV = SequencerTestEnv.builder().slots(3).build();

    @Test
    void kafkaTheChainIpfsAndTheMiniClusterRunForTheTestsAndInject(Anvil anvil, @InjectMiniCluster MiniCluster cluster)
            throws Exception {
        ENV.kafka().createTopic("env-check", 1);
        ENV.kafka().send("env-check", "k", new byte[] {1});
        assertThat(ENV.kafka().readAll("env-check", 1, Duration.ofSeconds(10))).hasSize(1);

        assertThat(anvil).isSameAs(ENV.anvil());
        assertThat(anvil.chainId()).isEqualTo(Snapshotters.CHAIN_ID);
        assertThat(anvil.blockNumber()).isZero();

        assertThat(ENV.ipfs().node().isRunning()).isTrue();
        assertThat(ENV.ipfsApi()).isEqualTo(ENV.ipfs().apiUri().toString());

        assertThat(cluster.isRunning()).isTrue();
        assertThat(ENV.miniCluster().getNumberSlots()).isEqualTo(3);
        assertThat(StreamExecutionEnvironment.getExecutionEnvironment(FlinkTestCluster.jobConfiguration("env-check"))
                        .fromData(1, 2, 3)
                        .map(i -> i * 2)
                        .executeAndCollect(3))
                .containsExactlyInAnyOrder(2, 4, 6);
    }

    @Test
    void stopsWhatItStartedAndRefusesWhatItLeftOut() throws Exception {
        SequencerTestEnv env = SequencerTestEnv.builder()
                .chainId(777)
                .withoutIpfs()
                .withoutMiniCluster()
                .build();
        env.beforeAll(null); // Kafka and Anvil take nothing from the context
        assertThat(env.kafka().bootstrapServers()).isNotEmpty();
        Anvil anvil = env.anvil();
        assertThat(anvil.chainId()).isEqualTo(777);
        assertThat(anvil.isRunning()).isTrue();
        assertThatThrownBy(env::ipfs).hasMessageContaining("without IPFS");
        assertThatThrownBy(env::miniCluster).hasMessageContaining("without a MiniCluster");

        env.afterAll(null);
        assertThat(anvil.isRunning()).isFalse();
        assertThatThrownBy(() -> env.kafka().broker()).hasMessageContaining("not started");
        assertThatThrownBy(env::anvil).hasMessageContaining("not running");
    }
}
