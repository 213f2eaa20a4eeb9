package io.powerloom.sequencer.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** A small HTTP client for the tests: status and JSON body. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Answer(int status, JsonNode body, String text) {
        /** The {@code info.response} of production's envelope. */
        JsonNode response() {
            return body.path("info").path("response");
        }
    }

    private Http() {}

    static Answer post(String base, String path, String jsonBody) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody))
                .build());
    }

    static Answer get(String base, String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build());
    }

    private static Answer send(HttpRequest req) {
        try {
            HttpResponse<String> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = JSON.readTree(r.body());
            } catch (IOException e) {
                body = JSON.createObjectNode();
            }
            return new Answer(r.statusCode(), body == null ? JSON.createObjectNode() : body, r.body());
        } catch (IOException e) {
            throw new IllegalStateException(req.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Repeats {@code call} until {@code ok} holds (the state catches up asynchronously) or the time is up. */
    static Answer await(java.util.function.Supplier<Answer> call, Predicate<Answer> ok, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        Answer last = null;
        while (System.nanoTime() < end) {
            last = call.get();
            if (ok.test(last)) {
                return last;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("condition not met within " + timeout + "; last answer: "
                + (last == null ? "none" : last.status() + " " + last.text()));
    }
}
