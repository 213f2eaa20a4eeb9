package io.powerloom.sequencer.infra.anvil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal JSON-RPC 2.0 client over HTTP for Anvil's dev methods ({@code anvil_*}, {@code evm_*}) and plain
 * {@code eth_*} reads. Contract calls belong to web3j; this exists so that local-infra needs no Ethereum library.
 */
public final class AnvilRpc {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final HttpClient http;
    private final AtomicLong ids = new AtomicLong();

    /** A client for the JSON-RPC endpoint {@code rpcUrl}. */
    public AnvilRpc(String rpcUrl) {
        this.endpoint = URI.create(rpcUrl);
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    /**
     * Calls {@code method} with positional {@code params} (strings, numbers, booleans or Jackson nodes).
     *
     * @return the {@code result} member (a JSON null node when the method returns null)
     * @throws AnvilException on a transport failure or a JSON-RPC error, with the node's message
     */
    public JsonNode call(String method, Object... params) {
        ObjectNode request = JSON.createObjectNode();
        request.put("jsonrpc", "2.0");
        request.put("id", ids.incrementAndGet());
        request.put("method", method);
        ArrayNode array = request.putArray("params");
        for (Object p : params) {
            array.add(JSON.valueToTree(p));
        }
        HttpResponse<String> response;
        try {
            response = http.send(
                    HttpRequest.newBuilder(endpoint)
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AnvilException(method + " to " + endpoint + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AnvilException(method + " interrupted", e);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AnvilException(method + ": HTTP " + response.statusCode() + ", not JSON: " + response.body(), e);
        }
        if (body.hasNonNull("error")) {
            JsonNode error = body.get("error");
            throw new AnvilException(method + " failed: " + error.path("code").asText() + " "
                    + error.path("message").asText());
        }
        if (!body.has("result")) {
            throw new AnvilException(method + ": HTTP " + response.statusCode() + ", no result: " + response.body());
        }
        return body.get("result");
    }

    /** Whether the endpoint answers {@code eth_chainId} right now. */
    public boolean answers() {
        try {
            call("eth_chainId");
            return true;
        } catch (AnvilException e) {
            return false;
        }
    }

    /** Parses a JSON-RPC quantity ({@code "0x1a"}) that fits in a long. */
    public static long quantity(JsonNode hex) {
        String text = hex.asText();
        if (!text.startsWith("0x")) {
            throw new AnvilException("not a JSON-RPC quantity: " + hex);
        }
        return new BigInteger(text.substring(2), 16).longValueExact();
    }
}
