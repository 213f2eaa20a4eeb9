package io.powerloom.sequencer.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code values.schema.json}: Helm checks every install's values against it, so a misspelt key (which Helm would
 * otherwise ignore, silently keeping the default) or a wrong type fails with the key named.
 */
class ValuesSchemaTest {

    private static final ChartRenderer CHART = ChartRenderer.ofBuild();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
      job: {paralelism: 4}                                  | paralelism
      jobs: {parallelism: 4}                                | jobs
      bridge: {libp2p: {identity: {existingSecrett: x}}}    | existingSecrett
      job: {parallelism: four}                              | parallelism
      images: {job: {tag: 0.10}}                            | tag
      job: {state: stopped}                                 | state
      bridge: {service: {externalTrafficPolicy: local}}     | externalTrafficPolicy
      bridge: {libp2p: {port: 70000}}                       | port
      job: {jobManager: {resources: {cpu: 500m}}}           | cpu
      chain: {id: "0x2b9d"}                                 | id
      """)
    void refusesUnknownKeysAndWrongTypes(String overrides, String key) {
        assertThatThrownBy(() -> CHART.render(overrides))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("schema")
                .hasMessageContaining(key);
    }

    @Test
    void acceptsTheDefaultsAndTheExampleValues() {
        assertThat(CHART.render().documents()).isNotEmpty();
        assertThat(CHART.render("""
        job:
          savepointTriggerNonce: 1732460000
          consensus: {minShare: 0.5}
        bridge:
          collect: {maxMessageBytes: 131072}
          service: {nodePort: 30100, type: NodePort}
        """).documents()).isNotEmpty();
    }
}
