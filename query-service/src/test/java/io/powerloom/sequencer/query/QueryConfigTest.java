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
                .hasMessageContaining("kafka.topic.finalised: unknown setting");
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
    void theConfigurationReferenceIsGeneratedFromTheseOptions() throws Exception {
        java.nio.file.Path doc = java.nio.file.Path.of(
                System.getProperty("maven.multiModuleProjectDirectory", ".."), "docs", "configuration.md");
        if (!java.nio.file.Files.exists(doc)) {
            doc = java.nio.file.Path.of("..", "docs", "configuration.md");
        }
        io.powerloom.sequencer.config.ConfigDocs.verify(
                doc,
                "mvn -B -ntp -q -pl query-service -am test -Dtest=QueryConfigTest -Dconfig.docs.write=true "
                        + "-Dsurefire.failIfNoSpecifiedTests=false",
                QueryConfig.OPTIONS);
    }

    @Test
    void theNewKeysAreTheJobsKeysAndTheOldOnesStillWorkWithAWarning() {
        QueryConfig c = QueryConfig.of(Map.of(
                "sequencer.kafka.topics.finalized", "fin",
                "http.listen", "127.0.0.1:0",
                "kafka.streams.num.stream.threads", "3"));
        assertThat(c.topic("finalized")).isEqualTo("fin");
        assertThat(c.httpListen().getPort()).isZero();
        assertThat(c.streamsOverrides()).containsEntry("num.stream.threads", "3");
        assertThat(c.warnings())
                .containsExactlyInAnyOrder(
                        "deprecated setting http.listen (in settings): use sequencer.query.http-listen instead",
                        "deprecated setting kafka.streams.num.stream.threads (in settings): use "
                                + "sequencer.kafka.streams.num.stream.threads instead");
        assertThat(QueryConfig.load(null, Map.of("SEQUENCER_KAFKA_STREAMS_NUM_STREAM_THREADS", "4"))
                        .streamsOverrides())
                .containsEntry("num.stream.threads", "4");
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
