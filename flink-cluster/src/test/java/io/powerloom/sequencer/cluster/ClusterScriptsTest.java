package io.powerloom.sequencer.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import io.powerloom.sequencer.infra.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flink-cluster scripts refuse bad input with a clear reason and a non-zero exit, without starting anything:
 * bad options, a missing jar, a busy port, an unreachable or non-Flink REST endpoint, a malformed job id.
 */
class ClusterScriptsTest {
    static final ClusterScripts SCRIPTS = ClusterScripts.locate();
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    static String failure(String script, String... args) {
        ClusterScripts.ScriptFailedException e = catchThrowableOfType(
                ClusterScripts.ScriptFailedException.class, () -> SCRIPTS.run(script, List.of(args), TIMEOUT));
        assertThat(e).as("%s %s should fail", script, List.of(args)).isNotNull();
        assertThat(e.result().exitCode()).isEqualTo(1);
        return e.result().stderr();
    }

    @Test
    void everyScriptExplainsItselfWithHelp() {
        for (String script :
                List.of("start-cluster.sh", "stop-cluster.sh", "submit-job.sh", "savepoint.sh", "replay.sh")) {
            ClusterScripts.Result r = SCRIPTS.run(script, List.of("--help"), TIMEOUT);
            assertThat(r.stdout())
                    .as(script)
                    .contains("flink-cluster/" + script + " [")
                    .doesNotContain("set -euo");
        }
    }

    @Test
    void startRefusesBadOptions() {
        assertThat(failure("start-cluster.sh", "--run-dir", dir.toString(), "--slots", "two"))
                .contains("slots must be a number, was 'two'");
        assertThat(failure("start-cluster.sh", "--run-dir", dir.toString(), "--tm-memory", "lots"))
                .contains("memory sizes look like 1024m");
        assertThat(failure("start-cluster.sh", "--bogus")).contains("unknown option '--bogus'");
        assertThat(dir.resolve("jobmanager.pid")).doesNotExist();
    }

    @Test
    void startRefusesABusyRestPort() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(failure(
                            "start-cluster.sh",
                            "--run-dir",
                            dir.toString(),
                            "--rest-port",
                            Integer.toString(busy.getLocalPort()),
                            "--rpc-port",
                            Integer.toString(FreePorts.next())))
                    .contains("REST port " + busy.getLocalPort() + " is in use");
        }
        assertThat(dir.resolve("jobmanager.pid")).doesNotExist();
    }

    @Test
    void stopWithNothingRunningSaysSo() {
        ClusterScripts.Result r = SCRIPTS.run("stop-cluster.sh", List.of("--run-dir", dir.toString()), TIMEOUT);
        assertThat(r.stdout()).contains("no cluster process was running");
    }

    @Test
    void submitRefusesAMissingJarAndAnUnreachableCluster() throws IOException {
        assertThat(failure("submit-job.sh")).contains("which jar?");
        assertThat(failure("submit-job.sh", dir.resolve("nope.jar").toString())).contains("no such jar");
        Path jar = Files.writeString(dir.resolve("job.jar"), "not really a jar");
        assertThat(failure("submit-job.sh", jar.toString(), "--parallelism", "0"))
                .contains("--parallelism must be a positive number");
        assertThat(failure("submit-job.sh", "--url", "http://127.0.0.1:" + FreePorts.next(), jar.toString()))
                .contains("no answer from the Flink REST API");
    }

    @Test
    void submitReportsTheRestErrorsOfTheServer() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = "{\"errors\":[\"Jar upload is disabled\"]}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(403, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            Path jar = Files.writeString(dir.resolve("job.jar"), "not really a jar");
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            assertThat(failure("submit-job.sh", "--url", url, jar.toString()))
                    .contains("POST " + url + "/jars/upload: HTTP 403: Jar upload is disabled");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void replayRefusesBadOptionsBeforeStartingAnything() throws IOException {
        assertThat(failure("replay.sh")).contains("no replay arguments");
        assertThat(failure("replay.sh", "--bogus")).contains("unknown option '--bogus'");
        Path jar = Files.writeString(dir.resolve("job.jar"), "not really a jar");
        assertThat(failure("replay.sh", "--jar", dir.resolve("nope.jar").toString(), "--", "--mode", "audit"))
                .contains("no such jar");
        assertThat(failure("replay.sh", "--jar", jar.toString(), "--", "--mode", "audti", "--from", "epoch:1"))
                .contains("--mode must be audit or reanchor, was 'audti'");
        assertThat(failure("replay.sh", "--jar", jar.toString(), "--parallelism", "0", "--", "--mode", "audit"))
                .contains("--parallelism must be a positive number");
    }

    @Test
    void savepointRefusesAMalformedJobIdAndDrainWithoutStop() {
        assertThat(failure("savepoint.sh", "not-a-job")).contains("a job id is 32 hex characters");
        assertThat(failure("savepoint.sh", "0123456789abcdef0123456789abcdef", "--drain"))
                .contains("--drain only goes with --stop");
        assertThat(failure("savepoint.sh", "0123456789abcdef0123456789abcdef", "--format", "zip"))
                .contains("--format is canonical or native");
    }
}
