package io.powerloom.sequencer.bridge.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The bridge's operations endpoints on the JDK HTTP server:
 * <ul>
 *   <li>{@code GET /healthz}: 200 when every {@link HealthCheck} holds, else 503; the body lists each check as
 *       {@code name ok|FAIL detail} per line;</li>
 *   <li>{@code GET /livez}: 200 {@code alive} while the process serves HTTP (a liveness probe: a dependency that
 *       fails makes the bridge not ready, but restarting it would not bring the dependency back);</li>
 *   <li>{@code GET /metrics}: {@link BridgeMetrics#render()} in the Prometheus text format.</li>
 * </ul>
 */
public final class OpsHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    /** Binds {@code address} (port 0 = any free port) and starts serving. */
    public OpsHttpServer(InetSocketAddress address, BridgeMetrics metrics, Supplier<List<HealthCheck>> health)
            throws IOException {
        server = HttpServer.create(address, 16);
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ops-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", ex -> respond(ex, 200, PrometheusText.CONTENT_TYPE, metrics.render()));
        server.createContext("/livez", ex -> respond(ex, 200, "text/plain; charset=utf-8", "alive\n"));
        server.createContext("/healthz", ex -> {
            List<HealthCheck> checks = health.get();
            boolean ok = checks.stream().allMatch(HealthCheck::ok);
            StringBuilder body = new StringBuilder(ok ? "ready\n" : "not ready\n");
            for (HealthCheck c : checks) {
                body.append(c.name())
                        .append(' ')
                        .append(c.ok() ? "ok" : "FAIL")
                        .append(' ')
                        .append(c.detail())
                        .append('\n');
            }
            respond(ex, ok ? 200 : 503, "text/plain; charset=utf-8", body.toString());
        });
        server.start();
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            ex.getResponseHeaders().set("Content-Type", contentType);
            if ("HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(status, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
