package io.powerloom.sequencer.anchor.ipfs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KuboResponsesTest {

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void kuboErrorBodyGivesStatusMessageAndRetryDecision() {
        IpfsException notFound = KuboResponses.error(
                "cat",
                500,
                b(
                        "{\"Message\":\"block was not found locally (offline): ipld: could not find bafkx\",\"Code\":0,\"Type\":\"error\"}\n"));
        assertThat(notFound.kind()).isEqualTo(IpfsException.Kind.NODE_ERROR);
        assertThat(notFound.httpStatus()).isEqualTo(500);
        assertThat(notFound.kuboMessage())
                .isEqualTo("block was not found locally (offline): ipld: could not find bafkx");
        assertThat(notFound.getMessage()).isEqualTo("IPFS cat failed with HTTP 500: " + notFound.kuboMessage());
        assertThat(notFound.retryable()).isFalse();

        IpfsException internal = KuboResponses.error(
                "add",
                500,
                b("{\"Message\":\"failed to write block: disk quota exceeded\",\"Code\":0,\"Type\":\"error\"}"));
        assertThat(internal.retryable()).isTrue();

        IpfsException client = KuboResponses.error(
                "cat",
                400,
                b("{\"Message\":\"argument \\\"ipfs-path\\\" is required\",\"Code\":1,\"Type\":\"error\"}"));
        assertThat(client.retryable()).isFalse();
        assertThat(client.kuboMessage()).isEqualTo("argument \"ipfs-path\" is required");
    }

    @Test
    void plainTextErrorsFromProxiesAreKeptShort() {
        IpfsException gateway = KuboResponses.error("add", 502, b("<html>" + "bad gateway ".repeat(100) + "</html>"));
        assertThat(gateway.kuboMessage()).isNull();
        assertThat(gateway.retryable()).isTrue();
        assertThat(gateway.getMessage())
                .startsWith("IPFS add failed with HTTP 502: <html>bad gateway")
                .hasSizeLessThan(400);

        IpfsException notFound = KuboResponses.error("add", 404, b("404 page not found\n"));
        assertThat(notFound.retryable()).isFalse();
        assertThat(notFound.getMessage()).endsWith("404 page not found");
    }

    @Test
    void retryDecisionByStatusAndMessage() {
        assertThat(KuboResponses.isRetryable(503, -1, null)).isTrue();
        assertThat(KuboResponses.isRetryable(504, -1, null)).isTrue();
        assertThat(KuboResponses.isRetryable(429, -1, null)).isTrue();
        assertThat(KuboResponses.isRetryable(500, -1, null)).isTrue();
        assertThat(KuboResponses.isRetryable(405, -1, null)).isFalse();
        assertThat(KuboResponses.isRetryable(403, -1, null)).isFalse();
        assertThat(KuboResponses.isRetryable(500, 1, "whatever")).isFalse();
        assertThat(KuboResponses.isRetryable(500, 0, "invalid path \"x\": selected encoding not supported"))
                .isFalse();
        assertThat(KuboResponses.isRetryable(500, 0, "path 'bafk' is not pinned"))
                .isFalse();
        assertThat(KuboResponses.isRetryable(500, 0, "context deadline exceeded"))
                .isTrue();
    }

    @Test
    void addAnswerGivesTheLastHash() {
        assertThat(KuboResponses.addedHash(b("{\"Name\":\"batch\",\"Hash\":\"bafkreiabc\",\"Size\":\"5\"}\n")))
                .isEqualTo("bafkreiabc");
        assertThat(KuboResponses.addedHash(
                        b("{\"Name\":\"a\",\"Bytes\":5}\n{\"Name\":\"a\",\"Hash\":\"bafkreixyz\",\"Size\":\"5\"}\n")))
                .isEqualTo("bafkreixyz");
        assertThatThrownBy(() -> KuboResponses.addedHash(b("{\"Name\":\"a\",\"Bytes\":5}")))
                .isInstanceOfSatisfying(IpfsException.class, e -> {
                    assertThat(e.kind()).isEqualTo(IpfsException.Kind.BAD_RESPONSE);
                    assertThat(e.getMessage()).contains("without a Hash");
                });
        assertThatThrownBy(() -> KuboResponses.addedHash(b("not json")))
                .isInstanceOfSatisfying(
                        IpfsException.class, e -> assertThat(e.getMessage()).contains("invalid JSON: not json"));
    }

    @Test
    void pinAndIdAnswers() {
        assertThat(KuboResponses.pins(b("{\"Pins\":[\"bafkreia\",\"bafkreib\"]}")))
                .containsExactly("bafkreia", "bafkreib");
        assertThatThrownBy(() -> KuboResponses.pins(b("{\"Pinned\":[]}")))
                .isInstanceOf(IpfsException.class)
                .hasMessageContaining("Pins");
        assertThat(KuboResponses.pinnedKeys(b("{\"Keys\":{\"bafkreia\":{\"Type\":\"recursive\"}}}")))
                .containsExactly("bafkreia");
        assertThatThrownBy(() -> KuboResponses.pinnedKeys(b("{\"Keys\":[]}")))
                .isInstanceOf(IpfsException.class)
                .hasMessageContaining("Keys");
        assertThat(KuboResponses.peerId(b("{\"ID\":\"12D3KooWabc\",\"Addresses\":[]}")))
                .isEqualTo("12D3KooWabc");
        assertThatThrownBy(() -> KuboResponses.peerId(b("[1,2]")))
                .isInstanceOf(IpfsException.class)
                .hasMessageContaining("not a JSON object");
    }
}
