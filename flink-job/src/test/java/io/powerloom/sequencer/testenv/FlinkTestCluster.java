package io.powerloom.sequencer.testenv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * The Flink side of the job tests, configured in one place: the MiniCluster the ITCases run on (one TaskManager with
 * as many slots as the test's highest parallelism, so that a test can kill and restart "the" TaskManager) and the
 * configuration a test run of the job is submitted with (RocksDB with incremental checkpoints in a fresh folder,
 * fixed-delay restarts), as on a cluster.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MiniClusterExtension FLINK = FlinkTestCluster.miniCluster(4);
 * ...
 * var env = StreamExecutionEnvironment.getExecutionEnvironment(FlinkTestCluster.jobConfiguration("r1"));
 * }</pre>
 *
 * {@link SequencerTestEnv} registers the MiniCluster together with the job's external systems.
 */
public final class FlinkTestCluster {
    /** Restarts after a failure (a killed TaskManager, an outage a test plants) before the job fails. */
    public static final int RESTART_ATTEMPTS = 20;

    public static final Duration RESTART_DELAY = Duration.ofMillis(500);

    private FlinkTestCluster() {}

    /** A MiniCluster for a test class: one TaskManager with {@code slots} slots. */
    public static MiniClusterExtension miniCluster(int slots) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(slots)
                .build());
    }

    /**
     * The configuration of one test run of the job: RocksDB state with incremental checkpoints under a fresh folder
     * named after {@code run}, and fixed-delay restarts.
     */
    public static Configuration jobConfiguration(String run) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        try {
            conf.set(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    Files.createTempDirectory("checkpoints-" + run).toUri().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, RESTART_ATTEMPTS);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, RESTART_DELAY);
        return conf;
    }
}
