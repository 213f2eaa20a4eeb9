package io.powerloom.sequencer.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.StringReader;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bridge's Deployment, Services, ConfigMap and Secret, read into fabric8's typed Kubernetes model. */
class BridgeTemplateTest {

    private static final ChartRenderer CHART = ChartRenderer.ofBuild();
    private static final String NAME = "pl-sequencer-bridge";
    private static RenderedChart defaults;

    @BeforeAll
    static void render() {
        defaults = CHART.render();
    }

    private static Deployment deployment(RenderedChart chart) {
        return chart.get(Deployment.class, "Deployment", NAME);
    }

    private static Container container(RenderedChart chart) {
        return deployment(chart)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
    }

    private static Properties bridgeProperties(RenderedChart chart) throws IOException {
        ConfigMap cm = chart.get(ConfigMap.class, "ConfigMap", NAME);
        Properties p = new Properties();
        p.load(new StringReader(cm.getData().get("bridge.properties")));
        return p;
    }

    private static Map<String, Volume> volumes(PodSpec pod) {
        return pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
    }

    @Test
    void runsOnePinnedNonRootReplicaWithItsConfig() {
        Deployment d = deployment(defaults);
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        Container c = container(defaults);

        assertThat(d.getSpec().getReplicas()).isEqualTo(1);
        assertThat(d.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(d.getSpec().getSelector().getMatchLabels())
                .containsEntry("app.kubernetes.io/component", "bridge")
                .containsEntry("app.kubernetes.io/instance", "pl");
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
        assertThat(c.getImage()).isEqualTo("powerloom-sequencer/ingest-bridge:0.1.0");
        assertThat(c.getArgs()).containsExactly("--config", "/etc/bridge/bridge.properties");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("tmp");
            assertThat(m.getMountPath()).isEqualTo("/tmp");
        });
    }

    @Test
    void exposesLibp2pAndHttpPortsWithHealthProbesAndScrapeAnnotations() {
        Deployment d = deployment(defaults);
        Container c = container(defaults);

        assertThat(c.getPorts())
                .extracting("name", "containerPort", "protocol")
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("p2p", 9100, "TCP"),
                        org.assertj.core.groups.Tuple.tuple("http", 9102, "TCP"));
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/livez");
        assertThat(c.getLivenessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString("http"));
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", "9102")
                .containsEntry("prometheus.io/path", "/metrics")
                .containsKey("checksum/config");
    }

    @Test
    void rendersBridgePropertiesFromValues() throws IOException {
        Properties p = bridgeProperties(defaults);

        assertThat(p)
                .containsEntry("sequencer.bridge.id", "pl-sequencer-bridge")
                .containsEntry("sequencer.libp2p.listen", "/ip4/0.0.0.0/tcp/9100")
                .containsEntry("sequencer.libp2p.identity-key-file", "/var/run/secrets/powerloom/identity/identity.key")
                .containsEntry(
                        "sequencer.libp2p.relays",
                        "/dns4/relay-1.example.org/tcp/4001/p2p/12D3KooWH6eXCDiAKJRYnutn6ZGUbr5LXCZAd5hYmzrvvkjWSPzA")
                .containsEntry("sequencer.collect.max-message-bytes", "64KiB")
                .containsEntry("sequencer.kafka.bootstrap-servers", "kafka-0.kafka.data:9092,kafka-1.kafka.data:9092")
                .containsEntry("sequencer.kafka.topics.submissions", "submissions")
                .containsEntry("sequencer.kafka.topics.bridge-rejects", "submissions-rejected")
                .containsEntry("sequencer.bridge.heartbeat-interval", "1s")
                .containsEntry("sequencer.bridge.http-listen", "0.0.0.0:9102")
                .containsEntry("sequencer.chain.protocol-state", "0x5FbDB2315678afecb367f032d93F642f64180aa3")
                .containsEntry("sequencer.chain-watcher.confirmations", "2");
        assertThat(p).doesNotContainKey("sequencer.chain-watcher.start-block");
        // the RPC URL is only in the Secret, reaching the bridge as SEQUENCER_CHAIN_RPC_URL (= sequencer.chain.rpc-url)
        assertThat(p.stringPropertyNames()).noneMatch(k -> k.contains("rpc"));
        EnvVar rpc = container(defaults).getEnv().stream()
                .filter(e -> e.getName().equals("SEQUENCER_CHAIN_RPC_URL"))
                .findFirst()
                .orElseThrow();
        assertThat(rpc.getValueFrom().getSecretKeyRef().getName()).isEqualTo("pl-sequencer-chain");
        assertThat(rpc.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("rpc-url");
    }

    @Test
    void mountsTheIdentityKeyFromTheChartSecret() {
        PodSpec pod = deployment(defaults).getSpec().getTemplate().getSpec();
        Volume identity = volumes(pod).get("identity");

        assertThat(identity.getSecret().getSecretName()).isEqualTo("pl-sequencer-bridge-identity");
        assertThat(identity.getSecret().getItems())
                .singleElement()
                .satisfies(i -> assertThat(i.getKey()).isEqualTo("identity.key"));
        assertThat(container(defaults).getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("identity");
            assertThat(m.getMountPath()).isEqualTo("/var/run/secrets/powerloom/identity");
            assertThat(m.getReadOnly()).isTrue();
        });
        Secret secret = defaults.get(Secret.class, "Secret", "pl-sequencer-bridge-identity");
        byte[] key = Base64.getDecoder().decode(secret.getData().get("identity.key"));
        // libp2p PrivateKey protobuf: field 1 (KeyType) = 1 (Ed25519), field 2 = 64 bytes
        assertThat(key).hasSize(68).startsWith(0x08, 0x01, 0x12, 0x40);
    }

    @Test
    void servesLibp2pOnALoadBalancerAndMetricsInsideTheCluster() {
        Service p2p = defaults.get(Service.class, "Service", NAME + "-p2p");
        Service metrics = defaults.get(Service.class, "Service", NAME + "-metrics");

        assertThat(p2p.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(p2p.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
        assertThat(p2p.getSpec().getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getPort()).isEqualTo(9100);
            assertThat(port.getTargetPort()).isEqualTo(new IntOrString("p2p"));
            assertThat(port.getNodePort()).isNull();
        });
        assertThat(p2p.getSpec().getSelector())
                .isEqualTo(deployment(defaults).getSpec().getSelector().getMatchLabels());
        assertThat(metrics.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(metrics.getSpec().getPorts())
                .extracting(ServicePort::getPort)
                .containsExactly(9102);
        assertThat(metrics.getMetadata().getAnnotations()).containsEntry("prometheus.io/port", "9102");
    }

    @Test
    void valuesChangesShowUpWhereExpected() throws IOException {
        RenderedChart changed = CHART.render("""
        images:
          bridge:
            tag: "0.1.1"
        kafka:
          bootstrapServers: "b1.kafka:9093,b2.kafka:9093"
        bridge:
          id: bridge-eu-1
          libp2p:
            port: 4001
          http:
            port: 8080
          service:
            type: NodePort
            nodePort: 30401
          chainWatcher:
            startBlock: 1234567
          kafkaProducer:
            security.protocol: SASL_SSL
          extraProperties:
            collect.max.streams: "5000"
        """);
        Properties p = bridgeProperties(changed);
        Service p2p = changed.get(Service.class, "Service", NAME + "-p2p");
        Container c = container(changed);

        assertThat(c.getImage()).isEqualTo("powerloom-sequencer/ingest-bridge:0.1.1");
        assertThat(p)
                .containsEntry("sequencer.kafka.bootstrap-servers", "b1.kafka:9093,b2.kafka:9093")
                .containsEntry("sequencer.bridge.id", "bridge-eu-1")
                .containsEntry("sequencer.libp2p.listen", "/ip4/0.0.0.0/tcp/4001")
                .containsEntry("sequencer.bridge.http-listen", "0.0.0.0:8080")
                .containsEntry("sequencer.chain-watcher.start-block", "1234567")
                .containsEntry("sequencer.kafka.producer.security.protocol", "SASL_SSL")
                .containsEntry("collect.max.streams", "5000"); // an operator's own (old) key, passed as given
        assertThat(c.getPorts()).extracting(port -> port.getContainerPort()).containsExactly(4001, 8080);
        assertThat(p2p.getSpec().getType()).isEqualTo("NodePort");
        assertThat(p2p.getSpec().getPorts().get(0).getNodePort()).isEqualTo(30401);
        assertThat(p2p.getSpec().getPorts().get(0).getPort()).isEqualTo(4001);
        // a config change rolls the pods
        assertThat(deployment(changed)
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get("checksum/config"))
                .isNotEqualTo(deployment(defaults)
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get("checksum/config"));
    }

    @Test
    void admissionLimitsAndGossipRenderOnlyWhenSetSoTheBridgesDefaultsApply() throws IOException {
        Properties byDefault = bridgeProperties(defaults);
        assertThat(byDefault.stringPropertyNames())
                .noneMatch(k -> k.startsWith("libp2p.max.")
                        || k.startsWith("libp2p.idle.")
                        || k.equals("sequencer.collect.max-streams-per-ip")
                        || k.startsWith("gossip.topic"));
        assertThat(byDefault).containsEntry("sequencer.gossip.enabled", "false");

        Properties p = bridgeProperties(CHART.render("""
        bridge:
          libp2p:
            admission:
              maxConnections: 30000
              maxConnectionsPerIp: 8
              maxPendingHandshakesPerIp: 4
              idleConnectionTimeout: 90s
              maxQueuedBytesPerConnection: 128KiB
          collect:
            maxStreamsPerIp: 400
          gossip:
            enabled: true
            topicPrefix: /powerloom/dsv-devnet-alpha/snapshot-submissions
            bootstrapPeers:
              - /ip4/10.0.0.5/tcp/9100/p2p/12D3KooWH6eXCDiAKJRYnutn6ZGUbr5LXCZAd5hYmzrvvkjWSPzA
              - /ip4/10.0.0.6/tcp/9100/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo
            maxPeers: 32
        """));
        assertThat(p)
                .containsEntry("sequencer.libp2p.max-connections", "30000")
                .containsEntry("sequencer.libp2p.max-connections-per-ip", "8")
                .containsEntry("sequencer.libp2p.max-pending-handshakes-per-ip", "4")
                .containsEntry("sequencer.libp2p.idle-connection-timeout", "90s")
                .containsEntry("sequencer.libp2p.max-queued-bytes-per-connection", "128KiB")
                .containsEntry("sequencer.collect.max-streams-per-ip", "400")
                .containsEntry("sequencer.gossip.enabled", "true")
                .containsEntry("sequencer.gossip.topic-prefix", "/powerloom/dsv-devnet-alpha/snapshot-submissions")
                .containsEntry(
                        "sequencer.gossip.bootstrap-peers",
                        "/ip4/10.0.0.5/tcp/9100/p2p/12D3KooWH6eXCDiAKJRYnutn6ZGUbr5LXCZAd5hYmzrvvkjWSPzA,"
                                + "/ip4/10.0.0.6/tcp/9100/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo")
                .containsEntry("sequencer.gossip.max-peers", "32")
                .doesNotContainKey("sequencer.gossip.rendezvous");
    }

    @Test
    void existingIdentitySecretReplacesTheChartSecret() {
        RenderedChart changed = CHART.render("""
        bridge:
          libp2p:
            identity:
              keyBase64: ""
              existingSecret: sequencer-peer-identity
              key: peer.key
        """);

        Volume identity =
                volumes(deployment(changed).getSpec().getTemplate().getSpec()).get("identity");
        assertThat(identity.getSecret().getSecretName()).isEqualTo("sequencer-peer-identity");
        assertThat(identity.getSecret().getItems().get(0).getKey()).isEqualTo("peer.key");
        assertThat(changed.has("Secret", "pl-sequencer-bridge-identity")).isFalse();
        assertThat(changed.tree("ConfigMap", NAME).at("/data/bridge.properties").asText())
                .contains("sequencer.libp2p.identity-key-file=/var/run/secrets/powerloom/identity/peer.key");
    }

    @Test
    void clusterIpServiceHasNoNodePortOrTrafficPolicy() {
        RenderedChart changed = CHART.render("""
        bridge:
          service:
            type: ClusterIP
            nodePort: 30401
        """);
        Service p2p = changed.get(Service.class, "Service", NAME + "-p2p");

        assertThat(p2p.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(p2p.getSpec().getExternalTrafficPolicy()).isNull();
        assertThat(p2p.getSpec().getPorts().get(0).getNodePort()).isNull();
    }

    @Test
    void collectOnlyReleaseNeedsNoChainValuesAndStartsNoWatcher() throws IOException {
        // a second bridge for more /collect capacity: no job, no chain watcher (its Kafka transactional id is fixed)
        String values = """
        kafka:
          bootstrapServers: kafka-0.kafka.data:9092
        job:
          enabled: false
        query:
          enabled: false
        bridge:
          id: bridge-collect-2
          chainWatcher:
            enabled: false
          libp2p:
            identity:
              existingSecret: bridge-2-identity
        """;
        RenderedChart collectOnly = RenderedChart.parse(CHART.renderOnly(values));
        Properties p = bridgeProperties(collectOnly);

        assertThat(collectOnly.kindsAndNames())
                .containsExactlyInAnyOrder(
                        "ConfigMap/" + NAME,
                        "Deployment/" + NAME,
                        "Service/" + NAME + "-p2p",
                        "Service/" + NAME + "-metrics");
        assertThat(p.stringPropertyNames())
                .noneMatch(k -> k.startsWith("sequencer.chain.") || k.startsWith("sequencer.chain-watcher.confirm"));
        assertThat(p).containsEntry("sequencer.chain-watcher.enabled", "false");
        assertThat(p).containsEntry("sequencer.bridge.id", "bridge-collect-2");
        assertThat(container(collectOnly).getEnv())
                .extracting(EnvVar::getName)
                .doesNotContain("SEQUENCER_CHAIN_RPC_URL");
    }

    @Test
    void bridgeCanBeTurnedOff() {
        RenderedChart changed = CHART.render("""
        bridge:
          enabled: false
        """);

        assertThat(changed.kindsAndNames()).noneMatch(k -> k.contains("bridge"));
        assertThat(changed.flinkDeployment()).isNotNull();
    }
}
