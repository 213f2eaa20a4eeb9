package io.powerloom.sequencer.query.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.powerloom.sequencer.query.QueryMetrics;
import io.powerloom.sequencer.query.state.Keys;
import io.powerloom.sequencer.query.state.UpdateState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Runs a {@link LocalQueries} operation where its data is: on this instance when it holds the partition key's
 * partition (Kafka Streams' {@link KeyQueryMetadata}), else on the instance that does, over HTTP
 * ({@code POST /internal/ask}). Operations without a key run on every instance.
 */
public final class Cluster {
    /** Header that carries the operator token between instances. */
    static final String INTERNAL_HEADER = "X-Query-Internal";

    private final KafkaStreams streams;
    private final HostInfo self;
    private final LocalQueries local;
    private final ObjectMapper json;
    private final QueryMetrics metrics;
    private final Duration timeout;
    private final String internalToken;
    private final HttpClient http;
    private final Serializer<String> keySerializer = Serdes.String().serializer();
    /**
     * Where each partition of the stores is, as Kafka Streams last said: asked once per partition, forgotten on every
     * state change (a rebalance passes through REBALANCING), so a request does no metadata lookup of its own.
     */
    private final AtomicReferenceArray<KeyQueryMetadata> routes;

    public Cluster(
            KafkaStreams streams,
            HostInfo self,
            LocalQueries local,
            ObjectMapper json,
            QueryMetrics metrics,
            Duration timeout,
            String internalToken) {
        this.streams = streams;
        this.self = self;
        this.local = local;
        this.json = json;
        this.metrics = metrics;
        this.timeout = timeout;
        this.internalToken = internalToken;
        this.routes = new AtomicReferenceArray<>(local.partitions());
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public HostInfo self() {
        return self;
    }

    /** Forgets where the partitions are (called on every state change of Kafka Streams). */
    public void forgetRoutes() {
        for (int p = 0; p < routes.length(); p++) {
            routes.set(p, null);
        }
    }

    /** Runs {@code op} on the instance holding {@code pk}. */
    public JsonNode ask(String pk, String op, ObjectNode params) {
        int partition = Keys.partition(pk, routes.length());
        KeyQueryMetadata md = routes.get(partition);
        if (md == null) {
            try {
                md = streams.queryMetadataForKey(UpdateState.SUMMARIES, pk, keySerializer);
            } catch (IllegalStateException e) {
                throw new ApiException(503, "the service is starting or rebalancing, retry");
            }
            if (md == null || md == KeyQueryMetadata.NOT_AVAILABLE || md.activeHost() == null) {
                throw new ApiException(503, "the instance holding this key is not known yet, retry");
            }
            if (md.partition() == partition && streams.state() == KafkaStreams.State.RUNNING) {
                routes.set(partition, md);
            }
        }
        if (md.activeHost().equals(self)) {
            return local.run(op, pk, params);
        }
        return remote(md.activeHost(), op, pk, params);
    }

    /**
     * Whether this instance holds {@code pk}, as far as the routes known since the last state change say (false when
     * no route is known yet).
     */
    public boolean holdsLocally(String pk) {
        KeyQueryMetadata md = routes.get(Keys.partition(pk, routes.length()));
        return md != null && md.activeHost().equals(self);
    }

    /** Runs {@code op} on every instance; one answer per instance. */
    public List<JsonNode> askAll(String op, ObjectNode params) {
        List<JsonNode> out = new ArrayList<>();
        for (StreamsMetadata m : streams.streamsMetadataForStore(UpdateState.SUMMARIES)) {
            out.add(m.hostInfo().equals(self) ? local.run(op, null, params) : remote(m.hostInfo(), op, null, params));
        }
        if (out.isEmpty()) {
            throw new ApiException(503, "no instance holds state yet, retry");
        }
        return out;
    }

    private JsonNode remote(HostInfo host, String op, String pk, ObjectNode params) {
        ObjectNode body = json.createObjectNode();
        body.put("op", op);
        if (pk != null) {
            body.put("pk", pk);
        }
        body.set("params", params);
        HttpRequest.Builder req = HttpRequest.newBuilder(
                        URI.create("http://" + host.host() + ":" + host.port() + "/internal/ask"))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (!internalToken.isEmpty()) {
            req.header(INTERNAL_HEADER, internalToken);
        }
        try {
            HttpResponse<byte[]> r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                metrics.forwarded(false);
                JsonNode err = safeParse(r.body());
                throw new ApiException(
                        r.statusCode() == 503 ? 503 : 502,
                        "instance " + host.host() + ":" + host.port() + " answered " + r.statusCode() + ": "
                                + err.path("error").asText(""));
            }
            metrics.forwarded(true);
            return json.readTree(r.body()).path("result");
        } catch (IOException e) {
            metrics.forwarded(false);
            throw new ApiException(503, "instance " + host.host() + ":" + host.port() + " unreachable, retry");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted");
        }
    }

    private JsonNode safeParse(byte[] body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }
}
