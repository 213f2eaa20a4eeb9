package io.powerloom.sequencer.golden;

import io.powerloom.sequencer.chain.ProtocolStateDeployment;
import io.powerloom.sequencer.chain.testenv.TestChain;
import io.powerloom.sequencer.golden.GoldenFiles.InputRecord;
import io.powerloom.sequencer.golden.GoldenFiles.OutputRecord;
import io.powerloom.sequencer.infra.anvil.Anvil;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.job.SequencerConfig;
import io.powerloom.sequencer.job.SequencerJob;
import io.powerloom.sequencer.testenv.SequencerTestEnv;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The golden tests' world, rebuilt from {@code golden/v1/manifest.properties} alone: the protocol-state contract on a
 * fresh Anvil (same deployer account and nonces, so the same contract and data market addresses as when the input was
 * recorded) with the recorded slots, four sequencer signers and the input's epochs released; the input topics written
 * record by record at the recorded partitions and offsets; and the job's configuration.
 */
final class GoldenNetwork {
    /** Parallelism of every golden run (the savepoint's key groups were assigned at this parallelism). */
    static final int PARALLELISM = 2;

    static final int BATCH_SIZE = 8;

    final Properties manifest;
    private final KafkaExtension kafka;
    private final Anvil anvil;
    private final String ipfsApi;
    private final List<Path> signerKeyFiles = new ArrayList<>();
    private final String contract;

    GoldenNetwork(SequencerTestEnv env, Properties manifest) throws Exception {
        this.kafka = env.kafka();
        this.anvil = env.anvil();
        this.ipfsApi = env.ipfsApi();
        this.manifest = manifest;
        try (TestChain chain = new TestChain(anvil)) {
            Path keys = Files.createTempDirectory("golden-signer-keys");
            List<String> sequencers = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                sequencers.add(chain.account(i).getAddress());
                signerKeyFiles.add(chain.keyFile(keys, i));
            }
            String market = manifest.getProperty("data-market");
            long epochSize = Long.parseLong(manifest.getProperty("epoch-size"));
            ProtocolStateDeployment deployment = chain.deploy(
                    chain.market(
                            market,
                            (int) epochSize,
                            Long.parseLong(manifest.getProperty("window-seconds")),
                            sequencers),
                    List.of(manifest.getProperty("snapshotters").split(",")));
            contract = deployment.contractAddress().toLowerCase();
            if (!contract.equals(manifest.getProperty("protocol-state"))) {
                throw new IllegalStateException("contract deployed at " + contract + ", the input was signed for "
                        + manifest.getProperty("protocol-state"));
            }
            for (long e = 1; e <= Long.parseLong(manifest.getProperty("epochs")); e++) {
                TestChain.releaseEpoch(deployment, market, e, epochSize);
            }
        }
    }

    static Properties readManifest(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /**
     * Creates the input and output topics, kept forever: every record carries a timestamp from the fixed T0 (the job's
     * sinks stamp records with event time), far older than the broker's default retention of 7 days, which would
     * otherwise delete them under the test.
     */
    void createTopics() {
        createTopic(GoldenInput.SUBMISSIONS, Integer.parseInt(manifest.getProperty("submission-partitions")));
        createTopic(GoldenInput.CHAIN, 1);
        for (String t : GoldenFiles.OUTPUT_TOPICS) {
            createTopic(t, 2);
        }
    }

    private void createTopic(String name, int partitions) {
        kafka.createTopic(new org.apache.kafka.clients.admin.NewTopic(name, partitions, (short) 1)
                .configs(Map.of("retention.ms", "-1", "retention.bytes", "-1")));
    }

    /**
     * Writes {@code records} with one producer, in order, each to its recorded partition, and checks that each lands
     * at its recorded offset (a savepoint's source positions refer to them).
     */
    void writeInput(List<InputRecord> records) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (var producer = kafka.newProducer()) {
            for (InputRecord r : records) {
                sent.add(producer.send(
                        new ProducerRecord<>(r.topic(), r.partition(), r.timestamp(), r.key(), r.value())));
            }
            producer.flush();
        }
        for (int i = 0; i < records.size(); i++) {
            RecordMetadata m = sent.get(i).get();
            InputRecord r = records.get(i);
            if (m.partition() != r.partition() || m.offset() != r.offset()) {
                throw new IllegalStateException("input record " + i + " landed at " + m.topic() + "/" + m.partition()
                        + "@" + m.offset() + ", recorded at " + r.topic() + "/" + r.partition() + "@" + r.offset());
            }
        }
    }

    /** The job's configuration; {@code bounded}: stop at the end of the input as it stands at start. */
    SequencerConfig config(boolean bounded) {
        Map<String, String> c = new HashMap<>();
        c.put("sequencer.kafka.bootstrap-servers", kafka.bootstrapServers());
        c.put("sequencer.kafka.topics.submissions", GoldenInput.SUBMISSIONS);
        c.put("sequencer.kafka.topics.protocol-chain", GoldenInput.CHAIN);
        for (String t : GoldenFiles.OUTPUT_TOPICS) {
            c.put("sequencer.kafka.topics." + t, t);
        }
        c.put("sequencer.kafka.group-id", "golden");
        c.put("sequencer.kafka.transactional-id-prefix", "golden");
        c.put("sequencer.kafka.start-from", "earliest");
        c.put("sequencer.kafka.stop-at", bounded ? "latest" : "none");
        c.put("sequencer.data-markets", manifest.getProperty("data-market"));
        c.put("sequencer.verify.full-nodes", manifest.getProperty("full-nodes"));
        c.put("sequencer.consensus.min-share", manifest.getProperty("min-share"));
        c.put("sequencer.batch.size", Integer.toString(BATCH_SIZE));
        c.put("sequencer.accounting.update-every-epochs", "1"); // a count update at every epoch's close
        c.put("sequencer.chain.id", manifest.getProperty("chain-id"));
        c.put("sequencer.chain.protocol-state", contract);
        c.put("sequencer.chain.rpc-url", anvil.rpcUrl());
        c.put(
                "sequencer.chain.signer-key-files",
                String.join(",", signerKeyFiles.stream().map(Path::toString).toList()));
        c.put("sequencer.ipfs.api-url", ipfsApi);
        c.put("sequencer.checkpoint-interval", "300 ms");
        return SequencerJob.config(c);
    }

    /**
     * Submits the job to the MiniCluster: heap (hashmap) state, no restarts (a failure fails the test rather than
     * replaying commits as ALREADY_DONE), restored from {@code savepoint} when given.
     */
    JobClient submit(SequencerConfig cfg, Path savepoint) throws Exception {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                Files.createTempDirectory("golden-checkpoints").toUri().toString());
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toUri().toString());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(PARALLELISM);
        SequencerJob.prepare(cfg, System.out);
        SequencerJob.configure(env, cfg);
        return env.executeAsync("golden");
    }

    /** For a failure message: the records of each output topic including uncommitted ones, and open transactions. */
    String diagnose() {
        StringBuilder sb = new StringBuilder();
        java.util.Properties p = kafka.consumerProperties("unused");
        p.remove(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG);
        p.put(org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(p)) {
            for (String t : GoldenFiles.OUTPUT_TOPICS) {
                var parts = consumer.partitionsFor(t).stream()
                        .map(i -> new org.apache.kafka.common.TopicPartition(t, i.partition()))
                        .toList();
                sb.append(t)
                        .append(" end offsets (uncommitted) ")
                        .append(consumer.endOffsets(parts))
                        .append('\n');
            }
        }
        try {
            sb.append("transactions: ")
                    .append(kafka.admin().listTransactions().all().get())
                    .append('\n');
        } catch (Exception e) {
            sb.append("transactions: ").append(e).append('\n');
        }
        return sb.toString();
    }

    /** Every committed record of the output topics, normalized ({@link GoldenFiles#normalize}), by topic. */
    Map<String, List<OutputRecord>> readOutputs() {
        Map<String, List<OutputRecord>> out = new HashMap<>();
        for (String t : GoldenFiles.OUTPUT_TOPICS) {
            List<OutputRecord> records = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : kafka.readToEnd(t, Duration.ofSeconds(30))) {
                records.add(GoldenFiles.normalize(
                        r.key() == null ? null : r.key().getBytes(java.nio.charset.StandardCharsets.UTF_8), r.value()));
            }
            out.put(t, GoldenFiles.sorted(records));
        }
        return out;
    }
}
