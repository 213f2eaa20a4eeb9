package io.powerloom.sequencer.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/**
 * The read side of Flink's REST API that the cluster tests need: cluster overview, job state, exceptions,
 * checkpoint statistics, and cancel. Works against any Flink cluster URL.
 */
public final class FlinkRestClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TERMINAL = Set.of("FINISHED", "FAILED", "CANCELED", "SUSPENDED");

    private final URI base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FlinkRestClient(String baseUrl) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
    }

    /** {@code GET <path>} as JSON. */
    public JsonNode get(String path) {
        return call(HttpRequest.newBuilder(base.resolve(path)).GET(), path);
    }

    /** {@code /overview}: TaskManagers, slots, jobs, Flink version. */
    public JsonNode overview() {
        return get("overview");
    }

    /** {@code /jobs/<id>}: the job's state, vertices, timestamps. */
    public JsonNode job(String jobId) {
        return get("jobs/" + jobId);
    }

    /** The job's state, e.g. RUNNING or FINISHED. */
    public String state(String jobId) {
        return job(jobId).path("state").asText();
    }

    /** {@code /jobs/<id>/checkpoints}: counts, latest completed and restored checkpoint. */
    public JsonNode checkpoints(String jobId) {
        return get("jobs/" + jobId + "/checkpoints");
    }

    /** {@code /jobs/<id>/checkpoints/config}: state backend, checkpoint storage, mode, interval. */
    public JsonNode checkpointConfig(String jobId) {
        return get("jobs/" + jobId + "/checkpoints/config");
    }

    /** Cancels the job ({@code PATCH /jobs/<id>?mode=cancel}). */
    public void cancel(String jobId) {
        call(
                HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "?mode=cancel"))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody()),
                "cancel " + jobId);
    }

    /**
     * Polls until the job reaches a terminal state and returns it.
     *
     * @throws AssertionError when {@code timeout} passes first, with the job's root exception if any
     */
    public String awaitTerminal(String jobId, Duration timeout) throws InterruptedException {
        return awaitState(jobId, TERMINAL, timeout);
    }

    /** Polls until the job is in one of {@code states}; fails when it ends in another terminal state or time runs out. */
    public String awaitState(String jobId, Set<String> states, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = "?";
        while (System.nanoTime() < deadline) {
            state = state(jobId);
            if (states.contains(state)) {
                return state;
            }
            if (TERMINAL.contains(state)) {
                throw new AssertionError("job " + jobId + " ended " + state + " while waiting for " + states + ": "
                        + rootException(jobId));
            }
            Thread.sleep(250);
        }
        throw new AssertionError("job " + jobId + " still " + state + " after " + timeout + " (waiting for " + states
                + "); root exception: " + rootException(jobId));
    }

    /** The job's most recent root exception (stack trace), or "none". */
    public String rootException(String jobId) {
        try {
            JsonNode ex = get("jobs/" + jobId + "/exceptions");
            JsonNode entries = ex.path("exceptionHistory").path("entries");
            if (entries.isArray() && entries.size() > 0) {
                return entries.get(0).path("stacktrace").asText();
            }
            return ex.path("root-exception").asText("none");
        } catch (RuntimeException e) {
            return "(exceptions unavailable: " + e.getMessage() + ")";
        }
    }

    private JsonNode call(HttpRequest.Builder request, String what) {
        try {
            HttpResponse<String> r =
                    http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 400) {
                throw new IllegalStateException("Flink REST " + what + ": HTTP " + r.statusCode() + ": " + r.body());
            }
            return r.body().isBlank() ? JSON.nullNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("Flink REST " + what + " at " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: Flink REST " + what, e);
        }
    }
}
