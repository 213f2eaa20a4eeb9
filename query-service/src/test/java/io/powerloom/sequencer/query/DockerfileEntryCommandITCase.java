package io.powerloom.sequencer.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query service image's entry command, exactly as {@code docker/query-service/Dockerfile} writes it
 * ({@code ENTRYPOINT} and {@code CMD}), run against the shaded jar the build packages with nothing else on the class
 * path (RocksDB's native library included): {@code /health} must come up ({@code UP}, Kafka Streams running) and the
 * explorer and the OpenAPI document must be served from the jar.
 */
class DockerfileEntryCommandITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir
    Path dir;

    @Test
    void theImagesEntryCommandStartsTheShadedJarAndHealthComesUp() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "docker", "query-service", "Dockerfile"));
        List<String> command = new ArrayList<>(ShippedJars.execForm(lines, "ENTRYPOINT"));
        command.addAll(ShippedJars.execForm(lines, "CMD"));
        String imageJar = lines.stream()
                .filter(l -> l.startsWith("COPY"))
                .map(l -> l.split("\\s+"))
                .map(parts -> parts[parts.length - 1])
                .filter(p -> p.endsWith(".jar"))
                .findFirst()
                .orElseThrow();
        Path jar = ShippedJars.shadedJar("query-service");
        int httpPort = FreePorts.next();
        Path config = dir.resolve("query.properties");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "kafka.bootstrap.servers=" + KAFKA.bootstrapServers(),
                        "kafka.application.id=image-" + httpPort,
                        "state.dir=" + dir.resolve("state"),
                        "http.listen=127.0.0.1:" + httpPort));

        List<String> run = new ArrayList<>();
        for (String arg : command) {
            if (arg.equals("java")) {
                run.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            } else if (arg.equals(imageJar)) {
                run.add(jar.toAbsolutePath().toString());
            } else if (arg.equals("/etc/query-service/query.properties")) {
                run.add(config.toString());
            } else {
                run.add(arg);
            }
        }
        assertThat(run)
                .as("the entry command names the jar and the config file")
                .contains(jar.toAbsolutePath().toString(), config.toString());
        Path log = dir.resolve("query.log");
        ProcessBuilder pb = new ProcessBuilder(run)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("CLASSPATH");
        pb.environment().keySet().removeIf(k -> k.startsWith("SEQUENCER_QUERY_"));
        Process service = pb.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI health = URI.create("http://127.0.0.1:" + httpPort + "/health");
            long start = System.nanoTime();
            HttpResponse<String> r = null;
            while (r == null || r.statusCode() != 200) {
                assertThat(service.isAlive())
                        .as("the service exited: %s", Files.readString(log))
                        .isTrue();
                assertThat(System.nanoTime() - start)
                        .as(
                                "/health not UP after 90 s (last %s): %s",
                                r == null ? "none" : r.statusCode() + " " + r.body(), Files.readString(log))
                        .isLessThan(TimeUnit.SECONDS.toNanos(90));
                try {
                    r = http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (r == null || r.statusCode() != 200) {
                    Thread.sleep(200);
                }
            }
            System.out.printf("entry command up (/health UP) after %d ms%n", (System.nanoTime() - start) / 1_000_000);
            JsonNode h = new ObjectMapper().readTree(r.body());
            assertThat(h.path("status").asText()).isEqualTo("UP");
            assertThat(h.path("streams").asText()).isIn("RUNNING", "REBALANCING");
            HttpResponse<String> page = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/explorer/"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).containsIgnoringCase("<html");
            HttpResponse<String> api = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/openapi.json"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(new ObjectMapper().readTree(api.body()).path("paths").has("/api/slot"))
                    .isTrue();
        } finally {
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(output)
                .doesNotContain("NoClassDefFoundError")
                .doesNotContain("ClassNotFoundException")
                .doesNotContain("UnsatisfiedLinkError");
    }

    @Test
    void theImagesJarCarriesNoLoadDriverOrBenchmark() throws IOException {
        List<String> dockerfile = Files.readAllLines(Path.of("..", "docker", "query-service", "Dockerfile"));
        assertThat(dockerfile)
                .as("the image copies the shaded jar")
                .anyMatch(l -> l.startsWith("COPY")
                        && l.contains("query-service/target/query-service-")
                        && l.contains("-all.jar"));
        assertThat(ShippedJars.loadOrBenchmarkEntries(ShippedJars.shadedJar("query-service")))
                .as("load or benchmark classes in the image's jar")
                .isEmpty();
    }
}
