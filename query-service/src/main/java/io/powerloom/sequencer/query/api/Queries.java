package io.powerloom.sequencer.query.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.powerloom.sequencer.query.state.Keys;
import io.powerloom.sequencer.query.state.StateVersions;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The answer of each endpoint, composed from {@link LocalQueries} operations run where the data is. */
public final class Queries {
    private final Cluster cluster;
    private final ObjectMapper json;
    private final int maxPageSize;
    private final String defaultMarket;

    private final JsonNode explorerConfig;
    private final ViewCache views;

    /**
     * @param versions       versions of this instance's state, bumped by the state's updates
     * @param viewCacheBytes most bytes of serialized per-slot and per-epoch answers kept (0: none)
     */
    public Queries(
            Cluster cluster,
            ObjectMapper json,
            int maxPageSize,
            String defaultMarket,
            String cidUrl,
            String txUrl,
            StateVersions versions,
            long viewCacheBytes) {
        this.views = new ViewCache(versions, viewCacheBytes);
        this.explorerConfig = json.createObjectNode().put("cidUrl", cidUrl).put("txUrl", txUrl);
        this.cluster = cluster;
        this.json = json;
        this.maxPageSize = maxPageSize;
        this.defaultMarket = defaultMarket;
    }

    /**
     * Where a kept answer of a view is filed and what it is read from: the per-slot view ({@code /api/slot}) reads the
     * slot's key and, with an epoch, the epoch's key; the epoch view ({@code /api/epoch}) the epoch's key.
     */
    private record ViewKey(String key, String first, String second) {}

    /** The view key of a cacheable request, or null; {@code market} is the request's market (null: none known). */
    private static ViewKey viewKey(String path, ObjectNode p, String market) {
        if (market == null) {
            return null; // without a market the answer depends on which markets exist
        }
        if ("/api/slot".equals(path)) {
            long slot = p.path("slotID").asLong();
            if (p.has("epochID")) {
                long epoch = p.path("epochID").asLong();
                return new ViewKey(
                        "slot|" + slot + "|" + market + "|" + epoch, Keys.slot(slot), Keys.epoch(market, epoch));
            }
            return new ViewKey("slot|" + slot + "|" + market, Keys.slot(slot), null);
        }
        if ("/api/epoch".equals(path)) {
            long epoch = p.path("epochID").asLong();
            return new ViewKey("epoch|" + market + "|" + epoch, Keys.epoch(market, epoch), null);
        }
        return null;
    }

    /**
     * The serialized answer of {@code path} if one is kept and still current, else null. Reads no store and asks no
     * other instance, so it may run on an I/O thread.
     */
    public byte[] kept(String path, ObjectNode p) {
        ViewKey k = viewKey(path, p, knownMarket(p));
        return k == null ? null : views.get(k.key());
    }

    /**
     * The answer of {@code path} for validated {@code p}, serialized: the per-slot and per-epoch views are kept as
     * bytes while what they were read from is unchanged (when this instance holds it), the same bytes as
     * {@link #answer} serialized.
     */
    public byte[] answerBytes(String path, ObjectNode p) throws IOException {
        boolean cacheable = "/api/slot".equals(path) || "/api/epoch".equals(path);
        ViewKey k = cacheable ? viewKey(path, p, "/api/epoch".equals(path) ? market(p) : marketOrNull(p)) : null;
        if (k == null) {
            return json.writeValueAsBytes(answer(path, p));
        }
        byte[] kept = views.get(k.key());
        if (kept != null) {
            return kept;
        }
        views.miss();
        ViewCache.Stamp stamp = views.stamp(k.first(), k.second());
        byte[] body = json.writeValueAsBytes(answer(path, p));
        if (cluster.holdsLocally(k.first()) && (k.second() == null || cluster.holdsLocally(k.second()))) {
            views.put(k.key(), stamp, k.first(), k.second(), body);
        }
        return body;
    }

    /** Answers served from kept bytes, answers built, and bytes kept (for the metrics). */
    public long[] viewCacheStats() {
        return new long[] {views.hits(), views.misses(), views.bytes(), views.size()};
    }

    /** The answer of {@code path} for validated {@code p} (numbers as JSON numbers). */
    public JsonNode answer(String path, ObjectNode p) {
        return switch (path) {
            case "/totalSubmissions" -> totalSubmissions(p);
            case "/eligibleNodesCount" -> eligibleNodesCount(p);
            case "/eligibleNodesCountPastDays" -> eligibleNodesCountPastDays(p);
            case "/batchCount" ->
                object("totalBatches", epochSummary(p).path("batchCount").asLong(0));
            case "/epochSubmissionDetails" -> epochSubmissionDetails(p);
            case "/eligibleSlotSubmissionCount" -> eligibleSlotSubmissionCount(p);
            case "/discardedSubmissionsByEpoch" -> cluster.ask(epochKey(p), "discardedByEpoch", p);
            case "/discardedSubmissionsByDay" -> discardedSubmissionsByDay(p);
            case "/lastSimulatedSubmission" -> last(p, "lastSimulated");
            case "/lastSnapshotSubmission" -> last(p, "lastSnapshot");
            case "/activeNodesCountByEpoch" ->
                object("activeNodesCount", epochSummary(p).path("activeSlots").asLong(0));
            case "/snapshotterNodeVersion" -> nodeVersion(p);
            case "/api/markets" -> markets();
            case "/api/epochs" -> epochs(p);
            case "/api/epoch" -> epoch(p);
            case "/api/batch" -> batch(p);
            case "/api/slot" -> slot(p);
            case "/api/config" -> explorerConfig;
            case "/api/inputRejects" -> cluster.ask(Keys.GLOBAL, "globalView", json.createObjectNode());
            default -> throw new ApiException(404, "no such endpoint: " + path);
        };
    }

    // ---------------------------------------------------------------- production's endpoints

    private JsonNode totalSubmissions(ObjectNode p) {
        String market = market(p);
        long latest = latestDay(market);
        long pastDays = p.path("pastDays").asLong();
        ObjectNode q = json.createObjectNode().put("market", market);
        JsonNode days =
                cluster.ask(Keys.slot(p.path("slotID").asLong()), "slotDays", q).path("items");
        ArrayNode out = json.createArrayNode();
        for (long day = latest; day > latest - pastDays && day >= 1; day--) {
            long eligible = 0;
            long discarded = 0;
            for (JsonNode d : days) {
                if (d.path("day").asLong() == day) {
                    eligible = d.path("count").asLong(0);
                    discarded = d.path("discarded").asLong(0);
                }
            }
            out.addObject()
                    .put("day", day)
                    .put("totalSubmissions", eligible + discarded)
                    .put("eligibleSubmissions", eligible);
        }
        return out;
    }

    private JsonNode eligibleNodesCount(ObjectNode p) {
        String market = market(p);
        long day = p.has("day") ? p.path("day").asLong() : latestDay(market);
        return dayEligible(market, day);
    }

    private ObjectNode dayEligible(String market, long day) {
        String pk = Keys.day(market, day);
        JsonNode sum = cluster.ask(pk, "summary", json.createObjectNode());
        JsonNode slots = cluster.ask(pk, "daySlots", json.createObjectNode()).path("items");
        ObjectNode out = json.createObjectNode();
        out.put("day", day);
        ArrayNode ids = json.createArrayNode();
        for (JsonNode s : slots) {
            if (s.path("eligible").asBoolean()) {
                ids.add(s.path("slotId").asLong());
            }
        }
        JsonNode committed = sum.path("eligibleCommit");
        out.put(
                "eligibleNodesCount",
                committed.has("eligibleNodes") ? committed.path("eligibleNodes").asLong() : ids.size());
        out.set("slotIDs", ids);
        if (committed.isObject()) {
            out.set("committed", committed);
        }
        return out;
    }

    private JsonNode eligibleNodesCountPastDays(ObjectNode p) {
        String market = market(p);
        long latest = latestDay(market);
        ArrayNode out = json.createArrayNode();
        for (long day = latest; day > latest - p.path("pastDays").asLong() && day >= 1; day--) {
            ObjectNode d = dayEligible(market, day);
            out.addObject()
                    .put("day", day)
                    .put("eligibleNodesCount", d.path("eligibleNodesCount").asLong());
        }
        return out;
    }

    private JsonNode epochSubmissionDetails(ObjectNode p) {
        int page = page(p);
        ObjectNode q =
                json.createObjectNode().put("offset", (page - 1) * maxPageSize).put("limit", maxPageSize);
        JsonNode r = cluster.ask(epochKey(p), "epochSubmissions", q);
        ObjectNode out = json.createObjectNode();
        out.put("epochSubmissionCount", r.path("total").asLong());
        out.put("page", page);
        out.put("pageSize", maxPageSize);
        out.set("submissions", r.path("items"));
        return out;
    }

    private JsonNode eligibleSlotSubmissionCount(ObjectNode p) {
        String market = market(p);
        long day = p.has("day") ? p.path("day").asLong() : latestDay(market);
        JsonNode slots = cluster.ask(Keys.day(market, day), "daySlots", json.createObjectNode())
                .path("items");
        ObjectNode out = json.createObjectNode();
        out.put("day", day);
        ArrayNode list = out.putArray("eligibleSlots");
        for (JsonNode s : slots) {
            if (s.path("eligible").asBoolean()) {
                list.addObject()
                        .put("slotID", s.path("slotId").asLong())
                        .put("count", s.path("count").asLong());
            }
        }
        return out;
    }

    private JsonNode discardedSubmissionsByDay(ObjectNode p) {
        String market = market(p);
        long day = p.has("day") ? p.path("day").asLong() : latestDay(market);
        int page = page(p);
        ObjectNode q = json.createObjectNode()
                .put("market", market)
                .put("day", day)
                .put("offset", (page - 1) * maxPageSize)
                .put("limit", maxPageSize);
        JsonNode r = cluster.ask(Keys.slot(p.path("slotID").asLong()), "slotDiscardedDay", q);
        ObjectNode out = json.createObjectNode();
        out.put("day", day);
        out.put("page", page);
        out.put("pageSize", maxPageSize);
        out.put("total", r.path("total").asLong());
        ArrayNode projects = out.putArray("projects");
        java.util.Map<String, ObjectNode> byProject = new java.util.LinkedHashMap<>();
        for (JsonNode d : r.path("items")) {
            ObjectNode details = byProject.computeIfAbsent(d.path("projectId").asText(), k -> {
                ObjectNode n = projects.addObject();
                n.put("projectID", k);
                ObjectNode det = n.putObject("details");
                det.put("discardedSubmissionCount", 0);
                det.putArray("discardedSubmissions");
                return det;
            });
            details.put(
                    "discardedSubmissionCount",
                    details.path("discardedSubmissionCount").asInt() + 1);
            ObjectNode s = ((ArrayNode) details.get("discardedSubmissions")).addObject();
            s.put("epochID", d.path("epochId").asLong());
            s.put("snapshotCID", d.path("snapshotCid").asText());
            s.set("winningCID", d.has("winningCid") ? d.get("winningCid") : json.nullNode());
            s.put("submissionID", d.path("submissionId").asText());
        }
        return out;
    }

    private JsonNode last(ObjectNode p, String field) {
        long slot = p.path("slotID").asLong();
        JsonNode s =
                cluster.ask(Keys.slot(slot), "summary", json.createObjectNode()).path(field);
        if (!s.isObject()) {
            throw new ApiException(
                    404,
                    "no " + ("lastSimulated".equals(field) ? "simulation" : "real") + " submission seen from slot "
                            + Long.toUnsignedString(slot));
        }
        ObjectNode out = json.createObjectNode();
        out.put("slotID", slot);
        out.put("receivedAtMs", s.path("at").asLong());
        out.put("time", Instant.ofEpochMilli(s.path("at").asLong()).toString());
        out.set("nodeVersion", s.has("nv") ? s.get("nv") : json.nullNode());
        out.put("submissionID", s.path("sid").asText());
        if ("lastSnapshot".equals(field)) {
            out.put("dataMarketAddress", s.path("market").asText());
            out.put("epochID", s.path("epoch").asLong());
            out.put("projectID", s.path("project").asText());
            out.put("snapshotCID", s.path("cid").asText());
        }
        return out;
    }

    private JsonNode nodeVersion(ObjectNode p) {
        long slot = p.path("slotID").asLong();
        JsonNode s = cluster.ask(Keys.slot(slot), "summary", json.createObjectNode());
        if (!s.has("nodeVersion")) {
            throw new ApiException(404, "slot " + Long.toUnsignedString(slot) + " has not sent a node version");
        }
        return json.createObjectNode()
                .put("slotID", slot)
                .put("nodeVersion", s.path("nodeVersion").asText());
    }

    // ---------------------------------------------------------------- views

    private JsonNode markets() {
        ArrayNode out = json.createArrayNode();
        for (JsonNode part : cluster.askAll("marketsAll", json.createObjectNode())) {
            part.forEach(out::add);
        }
        return out;
    }

    private JsonNode epochs(ObjectNode p) {
        int limit = (int) Math.min(200, p.path("limit").asLong(20));
        ObjectNode q = json.createObjectNode()
                .put("market", market(p))
                .put("before", p.path("before").asLong(0))
                .put("limit", limit);
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode part : cluster.askAll("epochsAll", q)) {
            part.forEach(all::add);
        }
        all.sort(Comparator.comparingLong((JsonNode n) -> n.path("epoch").asLong())
                .reversed());
        ArrayNode out = json.createArrayNode();
        all.stream().limit(limit).forEach(out::add);
        return out;
    }

    private JsonNode epoch(ObjectNode p) {
        JsonNode v = cluster.ask(epochKey(p), "epochView", json.createObjectNode());
        if (v.path("summary").isNull()) {
            throw new ApiException(
                    404, "nothing known about epoch " + p.path("epochID").asText());
        }
        return v;
    }

    private JsonNode batch(ObjectNode p) {
        JsonNode b = cluster.ask(
                epochKey(p),
                "batch",
                json.createObjectNode().put("batchIndex", p.path("batchIndex").asInt()));
        if (b.isNull()) {
            throw new ApiException(
                    404,
                    "no batch " + p.path("batchIndex").asText() + " of epoch "
                            + p.path("epochID").asText() + " yet");
        }
        return b;
    }

    private JsonNode slot(ObjectNode p) {
        long slot = p.path("slotID").asLong();
        ObjectNode out = json.createObjectNode();
        out.put("slotID", slot);
        out.set("slot", cluster.ask(Keys.slot(slot), "summary", json.createObjectNode()));
        if (p.has("epochID")) {
            String market = market(p);
            JsonNode r = cluster.ask(
                    Keys.epoch(market, p.path("epochID").asLong()),
                    "slotEpoch",
                    json.createObjectNode().put("slotID", slot));
            out.put("dataMarketAddress", market);
            out.put("epochID", p.path("epochID").asLong());
            out.put("submissionCount", r.path("total").asLong());
            out.set("submissions", r.path("submissions"));
            out.set("epoch", r.path("epoch"));
        } else {
            String market = marketOrNull(p);
            if (market != null) {
                out.set(
                        "days",
                        cluster.ask(
                                        Keys.slot(slot),
                                        "slotDays",
                                        json.createObjectNode().put("market", market))
                                .path("items"));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- helpers

    private JsonNode epochSummary(ObjectNode p) {
        return cluster.ask(epochKey(p), "summary", json.createObjectNode());
    }

    private String epochKey(ObjectNode p) {
        return Keys.epoch(market(p), p.path("epochID").asLong());
    }

    private long latestDay(String market) {
        JsonNode m = cluster.ask(Keys.marketKey(market), "summary", json.createObjectNode());
        // the chain's current day (DayStarted) where the chain watcher reported one, else the latest day counted
        long day = m.path("currentDay").asLong(m.path("latestDay").asLong(0));
        if (day == 0) {
            throw new ApiException(404, "no day counted yet for market " + market);
        }
        return day;
    }

    private int page(ObjectNode p) {
        long page = p.path("page").asLong(1);
        if (page < 1 || page > 1_000_000) {
            throw new ApiException(400, "page must be between 1 and 1000000");
        }
        return (int) page;
    }

    /** The request's market, the configured default, or the only market seen. */
    String market(ObjectNode p) {
        String m = marketOrNull(p);
        if (m == null) {
            throw new ApiException(
                    400, "dataMarketAddress is required: this service has seen " + "no market or several");
        }
        return m;
    }

    /** The request's market if known without asking any instance, else null. */
    private String knownMarket(ObjectNode p) {
        if (p.hasNonNull("dataMarketAddress")) {
            return Keys.market(p.path("dataMarketAddress").asText());
        }
        if (!defaultMarket.isEmpty()) {
            return defaultMarket;
        }
        String known = onlyMarket;
        return known != null && System.nanoTime() - onlyMarketAt < MARKET_CACHE_NANOS ? known : null;
    }

    private String marketOrNull(ObjectNode p) {
        if (p.hasNonNull("dataMarketAddress")) {
            return Keys.market(p.path("dataMarketAddress").asText());
        }
        if (!defaultMarket.isEmpty()) {
            return defaultMarket;
        }
        long now = System.nanoTime();
        String known = onlyMarket;
        if (known != null && now - onlyMarketAt < MARKET_CACHE_NANOS) {
            return known;
        }
        JsonNode markets = markets();
        String m = markets.size() == 1 ? markets.get(0).path("market").asText() : null;
        onlyMarket = m;
        onlyMarketAt = now;
        return m;
    }

    /** How long the only market seen is remembered (requests without a market would otherwise ask every instance). */
    private static final long MARKET_CACHE_NANOS = 5_000_000_000L;

    private volatile String onlyMarket;
    private volatile long onlyMarketAt;

    private ObjectNode object(String field, long value) {
        return json.createObjectNode().put(field, value);
    }
}
