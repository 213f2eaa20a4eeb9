package io.powerloom.sequencer.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rendered FlinkDeployment, field by field, and against the Flink Kubernetes Operator's CRD schema.
 */
class FlinkDeploymentTemplateTest {

    /**
     * The operator-api on Maven Central here is 1.10.0, whose CRD enum stops at v1_20; operator releases that run
     * Flink 2.2 list v2_2. That one enum value is accepted beyond the 1.10 schema.
     */
    static final CrdSchemaValidator CRD = CrdSchemaValidator.fromClasspath(
            CrdSchemaValidator.FLINK_DEPLOYMENT_CRD, "v1beta1", Map.of("spec.flinkVersion", Set.of("v2_2")));

    private static final ChartRenderer CHART = ChartRenderer.ofBuild();
    private static RenderedChart defaults;

    @BeforeAll
    static void renderTestValues() throws IOException {
        defaults = CHART.render();
        // kept for reviewers: what the test values render to
        Files.writeString(Path.of(System.getProperty("java.io.tmpdir"), "rendered-test-values.yaml"), defaults.text());
    }

    private static Map<String, String> flinkConfiguration(JsonNode deployment) {
        Map<String, String> conf = new HashMap<>();
        deployment
                .at("/spec/flinkConfiguration")
                .fields()
                .forEachRemaining(e -> conf.put(e.getKey(), e.getValue().asText()));
        return conf;
    }

    @Test
    void fitsTheOperatorCrdSchema() {
        assertThat(CRD.validate(defaults.flinkDeployment())).isEmpty();
    }

    @Test
    void runsThePinnedJobImageInApplicationMode() {
        JsonNode fd = defaults.flinkDeployment();

        assertThat(fd.at("/metadata/name").asText()).isEqualTo("pl-sequencer");
        assertThat(fd.at("/metadata/labels/app.kubernetes.io~1component").asText())
                .isEqualTo("job");
        assertThat(fd.at("/spec/image").asText()).isEqualTo("powerloom-sequencer/flink-job:0.1.0");
        assertThat(fd.at("/spec/flinkVersion").asText()).isEqualTo("v2_2");
        assertThat(fd.at("/spec/mode").asText()).isEqualTo("native");
        assertThat(fd.at("/spec/serviceAccount").asText()).isEqualTo("flink");
        JsonNode job = fd.at("/spec/job");
        assertThat(job.path("jarURI").asText()).isEqualTo("local:///opt/flink/usrlib/flink-job.jar");
        assertThat(job.path("entryClass").asText()).isEqualTo("io.powerloom.sequencer.job.SequencerJob");
        assertThat(job.path("parallelism").asInt()).isEqualTo(2);
        assertThat(job.path("upgradeMode").asText()).isEqualTo("last-state");
        assertThat(job.path("state").asText()).isEqualTo("running");
        assertThat(job.has("savepointTriggerNonce")).isFalse();
        assertThat(job.has("initialSavepointPath")).isFalse();
    }

    @Test
    void configuresRocksDbIncrementalCheckpointsAndHaOnObjectStorage() {
        Map<String, String> conf = flinkConfiguration(defaults.flinkDeployment());

        assertThat(conf)
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry("execution.checkpointing.incremental", "true")
                .containsEntry("execution.checkpointing.dir", "s3://sequencer-state/checkpoints")
                .containsEntry("execution.checkpointing.savepoint-dir", "s3://sequencer-state/savepoints")
                .containsEntry("execution.checkpointing.interval", "5s")
                .containsEntry("sequencer.checkpoint-interval", "5s")
                .containsEntry("execution.checkpointing.mode", "EXACTLY_ONCE")
                .containsEntry("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION")
                .containsEntry("high-availability.type", "kubernetes")
                .containsEntry("high-availability.storageDir", "s3://sequencer-state/ha")
                .containsEntry("taskmanager.numberOfTaskSlots", "2");
    }

    @Test
    void passesTheSequencerKeys() {
        Map<String, String> conf = flinkConfiguration(defaults.flinkDeployment());

        assertThat(conf)
                .containsEntry("sequencer.kafka.bootstrap-servers", "kafka-0.kafka.data:9092,kafka-1.kafka.data:9092")
                .containsEntry("sequencer.kafka.topics.submissions", "submissions")
                .containsEntry("sequencer.kafka.topics.protocol-chain", "protocol-chain")
                .containsEntry("sequencer.kafka.topics.finalized", "finalized")
                .containsEntry("sequencer.kafka.topics.batches", "batches")
                .containsEntry("sequencer.kafka.topics.rejected", "rejected")
                .containsEntry("sequencer.kafka.topics.slot-counts", "slot-counts")
                .containsEntry("sequencer.kafka.topics.discarded", "discarded")
                .containsEntry("sequencer.kafka.create-topics", "true")
                .containsEntry("sequencer.kafka.group-id", "pl-sequencer")
                .containsEntry("sequencer.kafka.transactional-id-prefix", "pl-sequencer")
                .containsEntry("sequencer.data-markets", "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512")
                .containsEntry("sequencer.chain.id", "11165")
                .containsEntry("sequencer.chain.protocol-state", "0x5FbDB2315678afecb367f032d93F642f64180aa3")
                .containsEntry("sequencer.chain.signer-key-files", "/etc/sequencer/signers/signer-0")
                .containsEntry("sequencer.ipfs.api-url", "http://ipfs.ipfs:5001")
                .containsEntry("sequencer.batch.size", "50")
                .containsEntry("sequencer.consensus.min-count", "1")
                .containsEntry("sequencer.consensus.min-share", "0.0")
                .containsEntry("sequencer.verify.full-nodes", "")
                .containsEntry("sequencer.verify.deadline-tolerance-blocks", "5")
                .containsEntry("sequencer.anchor.mode", "commit")
                .containsEntry("sequencer.accounting.enabled", "true");
        // the RPC URL may carry an API key: it is never in the (plain-text) Flink configuration
        assertThat(conf).doesNotContainKey("sequencer.chain.rpc-url");
        assertThat(conf.values()).noneMatch(v -> v.contains("anvil.chain:8545"));
    }

    @Test
    void takesTheRpcUrlAndSignerKeysFromSecrets() {
        JsonNode pod = defaults.flinkDeployment().at("/spec/podTemplate/spec");
        JsonNode main = pod.at("/containers/0");
        assertThat(main.path("name").asText()).isEqualTo("flink-main-container");

        JsonNode rpc = main.at("/env/0");
        assertThat(rpc.path("name").asText()).isEqualTo("SEQUENCER_CHAIN_RPC_URL");
        assertThat(rpc.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("pl-sequencer-chain");
        assertThat(rpc.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("rpc-url");

        assertThat(main.at("/volumeMounts/0/name").asText()).isEqualTo("signer-keys");
        assertThat(main.at("/volumeMounts/0/mountPath").asText()).isEqualTo("/etc/sequencer/signers");
        assertThat(main.at("/volumeMounts/0/readOnly").asBoolean()).isTrue();
        JsonNode secretVolume = pod.at("/volumes/0/secret");
        assertThat(secretVolume.path("secretName").asText()).isEqualTo("pl-sequencer-signers");
        assertThat(secretVolume.at("/items/0/key").asText()).isEqualTo("signer-0");
        assertThat(secretVolume.at("/items/0/path").asText()).isEqualTo("signer-0");
        // flink user of the image reads the keys through its group
        assertThat(secretVolume.path("defaultMode").asInt()).isEqualTo(0440);
        assertThat(pod.at("/securityContext/fsGroup").asInt()).isEqualTo(9999);

        // the inline values became Secrets of the chart
        assertThat(defaults.tree("Secret", "pl-sequencer-chain")
                        .at("/stringData/rpc-url")
                        .asText())
                .isEqualTo("http://anvil.chain:8545");
        assertThat(defaults.tree("Secret", "pl-sequencer-signers")
                        .at("/stringData/signer-0")
                        .asText())
                .startsWith("0xac0974bec39a17e3");
    }

    @Test
    void setsResourcesAndPrometheusMetrics() {
        JsonNode spec = defaults.flinkDeployment().path("spec");

        assertThat(spec.at("/jobManager/replicas").asInt()).isEqualTo(1);
        assertThat(spec.at("/jobManager/resource/cpu").asDouble()).isEqualTo(1.0);
        assertThat(spec.at("/jobManager/resource/memory").asText()).isEqualTo("2048m");
        assertThat(spec.at("/taskManager/resource/cpu").asDouble()).isEqualTo(2.0);
        assertThat(spec.at("/taskManager/resource/memory").asText()).isEqualTo("4096m");
        assertThat(flinkConfiguration(defaults.flinkDeployment()))
                .containsEntry(
                        "metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                .containsEntry("metrics.reporter.prom.port", "9249");
        assertThat(spec.at("/podTemplate/metadata/annotations/prometheus.io~1port")
                        .asText())
                .isEqualTo("9249");
    }

    @Test
    void valuesChangesShowUpWhereExpected() {
        RenderedChart changed = CHART.render("""
        images:
          registry: registry.example.org/
          job:
            tag: "0.2.3"
        kafka:
          bootstrapServers: "b1.kafka:9093,b2.kafka:9093,b3.kafka:9093"
          transactionalIdPrefix: sequencer-prod
          createTopics: false
          topics:
            slotCounts: counts-prod
        job:
          accounting:
            enabled: false
          parallelism: 8
          upgradeMode: savepoint
          savepointTriggerNonce: 7
          taskManager:
            taskSlots: 4
          savepoints:
            periodicInterval: 6h
          verify:
            fullNodes: ["0x1111111111111111111111111111111111111111", "0x2222222222222222222222222222222222222222"]
          checkpoints:
            interval: 20s
          flinkConfiguration:
            state.backend.rocksdb.memory.managed: "true"
            execution.checkpointing.timeout: 15m
            pipeline.max-parallelism: "1024"
        """);
        JsonNode fd = changed.flinkDeployment();
        Map<String, String> conf = flinkConfiguration(fd);

        assertThat(CRD.validate(fd)).isEmpty();
        assertThat(fd.at("/spec/image").asText()).isEqualTo("registry.example.org/powerloom-sequencer/flink-job:0.2.3");
        assertThat(fd.at("/spec/job/parallelism").asInt()).isEqualTo(8);
        assertThat(fd.at("/spec/job/upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(fd.at("/spec/job/savepointTriggerNonce").isIntegralNumber()).isTrue();
        assertThat(fd.at("/spec/job/savepointTriggerNonce").asLong()).isEqualTo(7);
        assertThat(conf)
                .containsEntry("sequencer.kafka.bootstrap-servers", "b1.kafka:9093,b2.kafka:9093,b3.kafka:9093")
                .containsEntry("sequencer.kafka.transactional-id-prefix", "sequencer-prod")
                .containsEntry("sequencer.kafka.group-id", "pl-sequencer")
                .containsEntry("sequencer.kafka.create-topics", "false")
                .containsEntry("sequencer.kafka.topics.slot-counts", "counts-prod")
                .containsEntry("sequencer.kafka.topics.discarded", "discarded")
                .containsEntry("sequencer.accounting.enabled", "false")
                .containsEntry("taskmanager.numberOfTaskSlots", "4")
                .containsEntry("kubernetes.operator.periodic.savepoint.interval", "6h")
                .containsEntry(
                        "sequencer.verify.full-nodes",
                        "0x1111111111111111111111111111111111111111,0x2222222222222222222222222222222222222222")
                .containsEntry("execution.checkpointing.interval", "20s")
                .containsEntry("sequencer.checkpoint-interval", "20s")
                // extra entries override the chart's and add new ones
                .containsEntry("execution.checkpointing.timeout", "15m")
                .containsEntry("state.backend.rocksdb.memory.managed", "true")
                .containsEntry("pipeline.max-parallelism", "1024");
    }

    @Test
    void existingSecretsReplaceTheChartSecrets() {
        RenderedChart changed = CHART.render("""
        chain:
          rpcUrl:
            value: ""
            existingSecret: prod-chain-rpc
            key: url
        job:
          signerKeys:
            inline: null
            existingSecret: prod-signers
            keys: [relayer-b, relayer-a]
        """);
        JsonNode fd = changed.flinkDeployment();
        JsonNode pod = fd.at("/spec/podTemplate/spec");

        assertThat(CRD.validate(fd)).isEmpty();
        assertThat(pod.at("/containers/0/env/0/valueFrom/secretKeyRef/name").asText())
                .isEqualTo("prod-chain-rpc");
        assertThat(pod.at("/containers/0/env/0/valueFrom/secretKeyRef/key").asText())
                .isEqualTo("url");
        assertThat(pod.at("/volumes/0/secret/secretName").asText()).isEqualTo("prod-signers");
        assertThat(pod.at("/volumes/0/secret/items").findValuesAsText("key")).containsExactly("relayer-b", "relayer-a");
        assertThat(flinkConfiguration(fd))
                .containsEntry(
                        "sequencer.chain.signer-key-files",
                        "/etc/sequencer/signers/relayer-b,/etc/sequencer/signers/relayer-a");
        assertThat(changed.has("Secret", "pl-sequencer-chain")).isFalse();
        assertThat(changed.has("Secret", "pl-sequencer-signers")).isFalse();
    }

    @Test
    void optionalServiceAccountGetsTheRightsNativeModeAndHaNeed() {
        RenderedChart changed = CHART.render("""
        job:
          serviceAccount:
            create: true
            name: sequencer-flink
        """);

        assertThat(changed.flinkDeployment().at("/spec/serviceAccount").asText())
                .isEqualTo("sequencer-flink");
        var role = changed.get(io.fabric8.kubernetes.api.model.rbac.Role.class, "Role", "sequencer-flink");
        assertThat(role.getRules()).anySatisfy(rule -> {
            assertThat(rule.getResources()).contains("pods", "configmaps");
            assertThat(rule.getVerbs()).contains("create", "delete", "watch");
        });
        var binding =
                changed.get(io.fabric8.kubernetes.api.model.rbac.RoleBinding.class, "RoleBinding", "sequencer-flink");
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo("sequencer-flink");
            assertThat(s.getNamespace()).isEqualTo(ChartRenderer.NAMESPACE);
        });
        assertThat(defaults.kindsAndNames()).noneMatch(k -> k.startsWith("Role"));
    }

    @Test
    void rendersOnlyTheExpectedResources() {
        assertThat(defaults.kindsAndNames())
                .containsExactlyInAnyOrder(
                        "FlinkDeployment/pl-sequencer",
                        "Secret/pl-sequencer-chain",
                        "Secret/pl-sequencer-signers",
                        "Secret/pl-sequencer-bridge-identity",
                        "ConfigMap/pl-sequencer-bridge",
                        "Deployment/pl-sequencer-bridge",
                        "Service/pl-sequencer-bridge-p2p",
                        "Service/pl-sequencer-bridge-metrics",
                        "ConfigMap/pl-sequencer-query",
                        "Deployment/pl-sequencer-query",
                        "Service/pl-sequencer-query");
        assertThat(defaults.documents())
                .allSatisfy(doc -> assertThat(doc.at("/metadata/labels/app.kubernetes.io~1instance")
                                .asText())
                        .isEqualTo(ChartRenderer.RELEASE));
        assertThat(List.of(defaults.text())).noneMatch(t -> t.contains(":latest"));
    }
}
