package io.powerloom.sequencer.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryConfigTest {

    @Test
    void defaultsReadTheSequencersTopics() {
        QueryConfig c = QueryConfig.of(Map.of());
        assertThat(c.topic("submissions")).isEqualTo("submissions");
        assertThat(c.topic("bridge-rejects")).isEqualTo("submissions-rejected");
        assertThat(c.topic("slot-counts")).isEqualTo("slot-counts");
        assertThat(c.topic("discarded")).isEqualTo("discarded");
        assertThat(c.operatorToken()).isEmpty();
        assertThat(c.httpListen().getPort()).isEqualTo(8090);
    }

    @Test
    void unknownKeysAreRejectedSoThatATypoIsNoticed() {
        assertThatThrownBy(() -> QueryConfig.of(Map.of("kafka.topic.finalised", "x")))
                .hasMessageContaining("kafka.topic.finalised: unknown configuration key");
    }

    @Test
    void malformedValuesNameTheirKey() {
        assertThatThrownBy(() -> QueryConfig.of(Map.of("http.listen", "8090"))).hasMessageStartingWith("http.listen");
        assertThatThrownBy(() -> QueryConfig.of(Map.of("kafka.partitions", "0")))
                .hasMessageStartingWith("kafka.partitions");
        assertThatThrownBy(() -> QueryConfig.of(Map.of("forward.timeout", "soon")))
                .hasMessageStartingWith("forward.timeout");
    }

    @Test
    void everyKeyIsDocumentedInTheModuleReadme() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        for (String key : QueryConfig.KEYS.keySet()) {
            assertThat(readme).as("README.md documents " + key).contains("| `" + key + "` |");
        }
    }

    @Test
    void environmentOverridesTheFileAndPassesStreamsSettingsThrough() {
        QueryConfig c = QueryConfig.load(
                null,
                Map.of(
                        "SEQUENCER_QUERY_AUTH_OPERATOR_TOKEN",
                        "t",
                        "SEQUENCER_QUERY_KAFKA_STREAMS_NUM_STREAM_THREADS",
                        "2",
                        "UNRELATED",
                        "x"));
        assertThat(c.operatorToken()).isEqualTo("t");
        assertThat(c.streamsOverrides()).containsEntry("num.stream.threads", "2");
    }
}
