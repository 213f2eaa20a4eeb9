package io.powerloom.sequencer.helm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A missing or malformed value fails {@code helm template} (and so {@code helm install}) with a message that
 * names the value, instead of rendering a resource that fails later in the cluster.
 */
class RequiredValuesTest {

    private static final ChartRenderer CHART = ChartRenderer.ofBuild();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
      kafka: {bootstrapServers: ""}                                       | kafka.bootstrapServers is required
      chain: {id: null}                                                   | chain.id is required
      chain: {protocolState: ""}                                          | chain.protocolState is required
      chain: {protocolState: "0x1234"}                                    | chain.protocolState must be an address
      chain: {dataMarkets: []}                                            | chain.dataMarkets is required
      chain: {dataMarkets: ["market-1"]}                                  | "market-1" is not an address
      chain: {rpcUrl: {value: ""}}                                        | chain.rpcUrl is required
      chain: {rpcUrl: {existingSecret: rpc}}                              | set either value or existingSecret, not both
      ipfs: {apiUrl: ""}                                                  | ipfs.apiUrl is required
      job: {checkpoints: {dir: ""}}                                       | job.checkpoints.dir is required
      job: {checkpoints: {dir: "file:///tmp/cp"}}                         | job.checkpoints.dir must be durable object storage
      job: {savepoints: {dir: ""}}                                        | job.savepoints.dir is required
      job: {highAvailability: {storageDir: ""}}                           | job.highAvailability.storageDir is required
      job: {highAvailability: {enabled: false}}                           | last-state needs job.highAvailability.enabled=true
      job: {upgradeMode: stateless, highAvailability: {enabled: false}, jobManager: {replicas: 2}} | replicas > 1 needs job.highAvailability.enabled=true
      job: {upgradeMode: last_state}                                      | job.upgradeMode must be last-state, savepoint or stateless
      job: {parallelism: 0}                                               | job.parallelism must be at least 1
      job: {anchor: {mode: dry}}                                          | job.anchor.mode must be commit, audit or none
      job: {signerKeys: {inline: null}}                                   | job.signerKeys is required
      job: {signerKeys: {inline: null, existingSecret: keys}}             | job.signerKeys.keys is required
      job: {signerKeys: {existingSecret: keys, keys: [a]}}                | set either inline or existingSecret, not both
      images: {job: {tag: latest}}                                        | images.job.tag must be a pinned version
      images: {bridge: {tag: ""}}                                         | images.bridge.tag is required
      bridge: {libp2p: {identity: {keyBase64: ""}}}                       | bridge.libp2p.identity is required
      bridge: {libp2p: {identity: {existingSecret: id}}}                  | set either keyBase64 or existingSecret, not both
      bridge: {service: {type: ExternalName}}                             | bridge.service.type must be LoadBalancer, NodePort or ClusterIP
      """)
    void failsWithTheValueNamed(String overrides, String message) {
        assertThatThrownBy(() -> CHART.render(overrides))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(message);
    }
}
