package io.powerloom.sequencer.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.infra.FreePorts;
import io.powerloom.sequencer.infra.ShippedJars;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge image's entry command, exactly as {@code docker/ingest-bridge/Dockerfile} writes it ({@code ENTRYPOINT}
 * and {@code CMD}), run against the jar the build packages, with nothing else on the class path: it must come up
 * (answer {@code /healthz}). Its chain RPC is an address where nothing listens, so {@code /healthz} must report the
 * chain watcher not ready, naming the RPC, within the documented time ({@code chain.rpc.timeout} + 3 ×
 * {@code chain.poll.interval}), while {@code /livez} stays 200.
 */
class DockerfileEntryCommandITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir
    Path dir;

    @Test
    void theImagesEntryCommandStartsTheShadedJarAndHealthReportsTheDeadChainRpc() throws Exception {
        Path dockerfile = Path.of("..", "docker", "ingest-bridge", "Dockerfile");
        List<String> lines = Files.readAllLines(dockerfile);
        List<String> command = new ArrayList<>(ShippedJars.execForm(lines, "ENTRYPOINT"));
        command.addAll(ShippedJars.execForm(lines, "CMD"));
        String imageJar = lines.stream()
                .filter(l -> l.startsWith("COPY"))
                .map(l -> l.split("\\s+"))
                .map(parts -> parts[parts.length - 1])
                .filter(p -> p.endsWith(".jar"))
                .findFirst()
                .orElseThrow();
        Path jar = ShippedJars.shadedJar("ingest-bridge");

        int httpPort = FreePorts.next();
        int deadRpcPort = FreePorts.next();
        Path config = dir.resolve("bridge.properties");
        List<String> settings = BridgeProcessConfig.lines(
                KAFKA, "img", "image", dir.resolve("identity.key"), FreePorts.next(), httpPort);
        settings.addAll(List.of(
                "chain.rpc.url=http://127.0.0.1:" + deadRpcPort,
                "chain.protocol.state.address=0x5fbdb2315678afecb367f032d93f642f64180aa3",
                "chain.topic.protocol.chain=img-protocol-chain",
                "chain.topic.slots=img-slots",
                "chain.poll.interval=1s",
                "chain.rpc.timeout=5s"));
        Files.writeString(config, String.join("\n", settings));
        Duration documented = Duration.ofSeconds(5).plus(Duration.ofSeconds(3));

        // the Dockerfile's command line with the image's paths pointing at this build
        List<String> run = new ArrayList<>();
        for (String arg : command) {
            if (arg.equals("java")) {
                run.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            } else if (arg.equals(imageJar)) {
                run.add(jar.toAbsolutePath().toString());
            } else if (arg.equals("/etc/bridge/bridge.properties")) {
                run.add(config.toString());
            } else {
                run.add(arg);
            }
        }
        assertThat(run)
                .as("the entry command names the jar and the config file")
                .contains(jar.toAbsolutePath().toString(), config.toString());
        Path log = dir.resolve("bridge.log");
        ProcessBuilder pb = new ProcessBuilder(run)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("CLASSPATH");
        Process bridge = pb.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI healthz = URI.create("http://127.0.0.1:" + httpPort + "/healthz");
            long start = System.nanoTime();
            HttpResponse<String> first = null;
            while (first == null) {
                assertThat(bridge.isAlive())
                        .as("the bridge exited: %s", Files.readString(log))
                        .isTrue();
                assertThat(System.nanoTime() - start)
                        .as("no /healthz after 60 s: %s", Files.readString(log))
                        .isLessThan(TimeUnit.SECONDS.toNanos(60));
                try {
                    first = http.send(HttpRequest.newBuilder(healthz).build(), HttpResponse.BodyHandlers.ofString());
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            long up = System.nanoTime();
            System.out.printf("entry command up (health answered) after %d ms%n", (up - start) / 1_000_000);

            // the chain watcher started with the HTTP server; from then on it must be reported not ready in time
            HttpResponse<String> r = first;
            while (r.statusCode() == 200 || !r.body().contains("chain-watcher FAIL")) {
                assertThat(Duration.ofNanos(System.nanoTime() - up))
                        .as("still ready with a dead chain RPC: %s", r.body())
                        .isLessThan(documented);
                Thread.sleep(100);
                r = http.send(HttpRequest.newBuilder(healthz).build(), HttpResponse.BodyHandlers.ofString());
            }
            System.out.printf("not ready %d ms after start:%n%s", (System.nanoTime() - up) / 1_000_000, r.body());
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body())
                    .startsWith("not ready")
                    .contains("http://127.0.0.1:" + deadRpcPort)
                    .contains("kafka ok");
            // still alive (the liveness probe): a failing dependency is no reason to restart the bridge
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/livez"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(200);
        } finally {
            bridge.destroy();
            if (!bridge.waitFor(30, TimeUnit.SECONDS)) {
                bridge.destroyForcibly();
            }
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(output).doesNotContain("NoClassDefFoundError").doesNotContain("ClassNotFoundException");
    }

    @Test
    void theImagesJarCarriesNoLoadDriverOrBenchmark() throws IOException {
        List<String> copied = Files.readAllLines(Path.of("..", "docker", "ingest-bridge", "Dockerfile")).stream()
                .filter(l -> l.startsWith("COPY"))
                .toList();
        assertThat(copied)
                .as("the image copies the shaded jar")
                .anyMatch(l -> l.contains("ingest-bridge/target/ingest-bridge-") && l.contains("-all.jar"));
        assertThat(ShippedJars.loadOrBenchmarkEntries(ShippedJars.shadedJar("ingest-bridge")))
                .as("load or benchmark classes in the image's jar")
                .isEmpty();
    }
}
