package io.powerloom.sequencer.query.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ApiDocTest {
    private static final Path DOC = Path.of("../docs/query-api.md");

    @Test
    void committedReferenceMatchesTheOpenApiDocument() throws Exception {
        String expected = ApiDoc.markdown(Endpoints.openApi(new ObjectMapper()));
        assertThat(Files.readString(DOC, StandardCharsets.UTF_8))
                .as("docs/query-api.md is stale: regenerate it with ApiDoc.main (the command is in its Javadoc)")
                .isEqualTo(expected);
    }

    @Test
    void everyProductionEndpointIsPostAndEveryViewIsGet() {
        for (Endpoints.Endpoint e : Endpoints.ALL) {
            assertThat(e.method()).as(e.path()).isEqualTo(e.path().startsWith("/api/") ? "GET" : "POST");
            assertThat(e.audience() == Endpoints.Audience.PUBLIC)
                    .as(e.path())
                    .isEqualTo(e.path().startsWith("/api/"));
        }
        assertThat(Endpoints.ALL.stream().filter(e -> e.method().equals("POST")).count())
                .isEqualTo(12);
    }
}
