package io.powerloom.sequencer.local;

import io.powerloom.sequencer.infra.FreePorts;
import io.powerloom.sequencer.infra.ManagedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The query service ({@code query-service} module) as a JVM of its own, as in production: its Kafka Streams RocksDB
 * ({@code rocksdbjni}) and Flink's ({@code frocksdbjni}) cannot share a classpath. Its classes and runtime classpath
 * come from {@code query-service/target} (written by the build), found from the working directory or its parents,
 * or from the system property {@value #CLASSPATH_PROPERTY}.
 */
final class QueryServiceProcess implements AutoCloseable {
    static final String CLASSPATH_PROPERTY = "powerloom.query-service.classpath";
    static final String MAIN = "io.powerloom.sequencer.query.QueryService";

    private final ManagedProcess process;
    private final String url;

    private QueryServiceProcess(ManagedProcess process, String url) {
        this.process = process;
        this.url = url;
    }

    /** The module's classpath, or null when the module has not been built. */
    static String classpath() {
        String cp = System.getProperty(CLASSPATH_PROPERTY);
        if (cp != null && !cp.isBlank()) {
            return cp;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path target = dir.resolve("query-service/target");
            Path file = target.resolve("runtime-classpath.txt");
            if (Files.isDirectory(target.resolve("classes")) && Files.isRegularFile(file)) {
                try {
                    return target.resolve("classes")
                            + java.io.File.pathSeparator
                            + Files.readString(file, StandardCharsets.UTF_8).trim();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return null;
    }

    /** Starts the service on a free port with its state under {@code dir}; waits until it is healthy. */
    static QueryServiceProcess start(Path dir, String bootstrapServers, String classpath, Duration timeout) {
        int port = FreePorts.next();
        Path config = dir.resolve("query.properties");
        try {
            Files.createDirectories(dir);
            Files.writeString(
                    config,
                    String.join(
                            "\n",
                            "kafka.bootstrap.servers=" + bootstrapServers,
                            "kafka.application.id=local-query",
                            "state.dir=" + dir.resolve("state"),
                            "http.listen=127.0.0.1:" + port,
                            "explorer.cid.url=",
                            ""),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ManagedProcess p = ManagedProcess.start(
                "query service",
                List.of(java, "-Xmx512m", "-Djava.io.tmpdir=" + dir, "-cp", classpath, MAIN, config.toString()),
                dir,
                dir.resolve("query.log"));
        String url = "http://127.0.0.1:" + port;
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            p.awaitReady(
                    () -> {
                        try {
                            return http.send(
                                                    HttpRequest.newBuilder(URI.create(url + "/health"))
                                                            .build(),
                                                    HttpResponse.BodyHandlers.discarding())
                                            .statusCode()
                                    == 200;
                        } catch (IOException e) {
                            return false;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return false;
                        }
                    },
                    timeout);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return new QueryServiceProcess(p, url);
    }

    /** {@code http://127.0.0.1:<port>}. */
    String url() {
        return url;
    }

    @Override
    public void close() {
        process.close();
    }
}
