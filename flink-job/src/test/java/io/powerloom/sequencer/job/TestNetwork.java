package io.powerloom.sequencer.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.chain.ProtocolStateDeployment;
import io.powerloom.sequencer.chain.testenv.TestChain;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.infra.anvil.Anvil;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.testenv.FlinkTestCluster;
import io.powerloom.sequencer.testenv.SequencerTestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.web3j.abi.EventEncoder;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The end-to-end tests' shared setup: the contract deployed on Anvil with a data market, 10 slots and 4 sequencer
 * signers; an {@link EpochScenario}'s epochs released on chain and its input written to Kafka as the bridge and the
 * chain watcher would; and the job's configuration for one run.
 */
public final class TestNetwork {
    public final EpochScenario scenario;
    public final ProtocolStateDeployment deployment;
    public final Web3j web3j;
    public final List<Path> signerKeyFiles = new ArrayList<>();
    public final List<Credentials> sequencers = new ArrayList<>();
    private final KafkaExtension kafka;
    private final Anvil anvil;
    private final String ipfsApi;

    /** The network on {@code env}'s Kafka, chain and IPFS node. */
    public TestNetwork(SequencerTestEnv env, EpochScenario scenario) throws Exception {
        this.kafka = env.kafka();
        this.anvil = env.anvil();
        this.ipfsApi = env.ipfsApi();
        this.scenario = scenario;
        TestChain chain = new TestChain(anvil);
        web3j = chain.web3j();
        Path keys = Files.createTempDirectory("signer-keys");
        for (int i = 1; i <= 4; i++) {
            sequencers.add(chain.account(i));
            signerKeyFiles.add(chain.keyFile(keys, i));
        }
        List<String> snapshotters =
                IntStream.rangeClosed(1, 10).mapToObj(Snapshotters::address).collect(Collectors.toList());
        deployment = chain.deploy(
                chain.market(
                        Snapshotters.MARKET,
                        10,
                        EpochScenario.WINDOW_SECONDS,
                        sequencers.stream().map(Credentials::getAddress).collect(Collectors.toList())),
                snapshotters);
        assertThat(deployment.contractAddress().toLowerCase()).isEqualTo(Snapshotters.PROTOCOL_STATE);

        List<EpochScenario.Release> releases = new ArrayList<>();
        for (long e = 1; e <= scenario.epochs(); e++) {
            TransactionReceipt r = TestChain.releaseEpoch(deployment, Snapshotters.MARKET, e, 10);
            var ev = PowerloomProtocolState.getEpochReleasedEvents(r).get(0);
            assertThat(ev.epochId.longValue()).isEqualTo(e);
            releases.add(new EpochScenario.Release(
                    e,
                    ev.begin.longValue(),
                    ev.end.longValue(),
                    ev.timestamp.longValue(),
                    r.getBlockNumber().longValue(),
                    r.getBlockHash(),
                    r.getTransactionHash(),
                    ev.log.getLogIndex().intValue()));
        }
        kafka.createTopic("submissions", 4);
        kafka.createTopic("protocol-chain", 1);
        try (var producer = kafka.newProducer()) {
            for (EpochScenario.Send s : scenario.chainRecords("protocol-chain", releases, Snapshotters.MARKET)) {
                producer.send(new ProducerRecord<>(s.topic(), null, s.timestamp(), s.key(), s.value()));
            }
            for (EpochScenario.Send s : scenario.submissions("submissions", Snapshotters.MARKET)) {
                producer.send(new ProducerRecord<>(s.topic(), null, s.timestamp(), s.key(), s.value()));
            }
            producer.flush();
        }
    }

    /** The job's configuration for one run; outputs go to topics suffixed with {@code run}. */
    public Map<String, String> jobConfig(String run, int batchSize) {
        Map<String, String> c = new HashMap<>();
        c.put("sequencer.kafka.bootstrap-servers", kafka.bootstrapServers());
        c.put("sequencer.kafka.topics.finalized", "finalized-" + run);
        c.put("sequencer.kafka.topics.batches", "batches-" + run);
        c.put("sequencer.kafka.topics.rejected", "rejected-" + run);
        c.put("sequencer.kafka.topics.slot-counts", "slot-counts-" + run); // accounting's, created by the job at start
        c.put("sequencer.kafka.topics.discarded", "discarded-" + run);
        c.put("sequencer.kafka.group-id", "sequencer-" + run);
        c.put("sequencer.kafka.transactional-id-prefix", "sequencer-" + run);
        c.put("sequencer.kafka.start-from", "earliest");
        c.put("sequencer.kafka.stop-at", "latest");
        c.put("sequencer.data-markets", Snapshotters.MARKET);
        c.put(
                "sequencer.verify.full-nodes",
                IntStream.rangeClosed(1, EpochScenario.FULL_NODE_SLOTS)
                        .mapToObj(Snapshotters::address)
                        .collect(Collectors.joining(",")));
        c.put("sequencer.consensus.min-share", Double.toString(EpochScenario.MIN_SHARE));
        c.put("sequencer.batch.size", Integer.toString(batchSize));
        c.put("sequencer.chain.id", Long.toString(Snapshotters.CHAIN_ID));
        c.put("sequencer.chain.protocol-state", deployment.contractAddress());
        c.put("sequencer.chain.rpc-url", anvil.rpcUrl());
        c.put(
                "sequencer.chain.signer-key-files",
                signerKeyFiles.stream().map(Path::toString).collect(Collectors.joining(",")));
        c.put("sequencer.ipfs.api-url", ipfsApi);
        c.put("sequencer.checkpoint-interval", "300 ms");
        return c;
    }

    /** Submits the job ({@link FlinkTestCluster#jobConfiguration}) to the current (mini) cluster. */
    public JobClient submit(String run, int parallelism, SequencerConfig cfg) throws Exception {
        for (String t : List.of(
                cfg.get(SequencerConfig.TOPIC_FINALIZED),
                cfg.get(SequencerConfig.TOPIC_BATCHES),
                cfg.get(SequencerConfig.TOPIC_REJECTED))) {
            kafka.createTopic(t, 2);
        }
        return execute(run, parallelism, cfg);
    }

    /** Submits the job like {@link #submit}, to output topics that already exist. */
    public JobClient execute(String run, int parallelism, SequencerConfig cfg) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(FlinkTestCluster.jobConfiguration(run));
        env.setParallelism(parallelism);
        SequencerJob.prepare(cfg, System.out); // as SequencerJob.main: the missing output topics (accounting's) created
        SequencerJob.configure(env, cfg);
        return env.executeAsync("sequencer-" + run);
    }

    /** Logs of {@code event} emitted by the contract so far. */
    public long countLogs(org.web3j.abi.datatypes.Event event) throws Exception {
        EthFilter filter = new EthFilter(
                DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST, deployment.contractAddress());
        filter.addSingleTopic(EventEncoder.encode(event));
        return web3j.ethGetLogs(filter).send().getLogs().size();
    }
}
