package io.powerloom.sequencer.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.powerloom.sequencer.query.QueryLoadDriver.Connection;
import io.powerloom.sequencer.query.api.HttpApi;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP server's connection limits, on a real socket (no state behind it: every request answers 503 "starting"):
 * keep-alive serves many requests on one connection, a connection over {@code http.max.connections} is closed at once
 * and counted, and an idle connection is closed after {@code http.idle.timeout}.
 */
class HttpLimitsTest {
    private HttpApi api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    private URI start(int maxConnections, Duration idle) throws IOException {
        api = new HttpApi(new InetSocketAddress("127.0.0.1", 0), 2, new ObjectMapper(), maxConnections, idle);
        return URI.create("http://127.0.0.1:" + api.port());
    }

    @Test
    void oneKeepAliveConnectionServesManyRequests() throws Exception {
        URI base = start(4, Duration.ofSeconds(30));
        try (Connection c = new Connection(base)) {
            for (int i = 0; i < 50; i++) {
                Connection.Response r = c.get("/health");
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.keepAlive()).isTrue();
            }
        }
        assertThat(api.connectionStats()[1]).isZero();
    }

    @Test
    void aConnectionOverTheLimitIsClosedAtOnceAndCounted() throws Exception {
        URI base = start(2, Duration.ofSeconds(30));
        try (Connection a = new Connection(base);
                Connection b = new Connection(base)) {
            assertThat(a.get("/health").status()).isEqualTo(503);
            assertThat(b.get("/health").status()).isEqualTo(503);
            try (Connection c = new Connection(base)) {
                assertThatThrownBy(() -> c.get("/health")).isInstanceOf(IOException.class);
            }
            assertThat(api.connectionStats()[1]).isEqualTo(1);
            assertThat(a.get("/health").status())
                    .as("the connections within the limit still work")
                    .isEqualTo(503);
        }
        // once they are closed, new connections are served again
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (api.connectionStats()[0] > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        try (Connection d = new Connection(base)) {
            assertThat(d.get("/health").status()).isEqualTo(503);
        }
    }

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        URI base = start(4, Duration.ofMillis(300));
        try (Connection c = new Connection(base)) {
            assertThat(c.get("/health").status()).isEqualTo(503);
            Thread.sleep(1_000);
            assertThatThrownBy(() -> c.get("/health")).isInstanceOf(IOException.class);
        }
    }
}
