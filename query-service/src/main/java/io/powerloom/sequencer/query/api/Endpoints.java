package io.powerloom.sequencer.query.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Every endpoint of the API, declared once: the HTTP server dispatches, validates and authorizes from this table,
 * and the OpenAPI document ({@link #openApi}) and {@code docs/query-api.md} ({@link ApiDoc}) are generated from it.
 */
public final class Endpoints {

    /** Who may call an endpoint. */
    public enum Audience {
        /** Anyone (explorer views: what is on chain and on IPFS anyway, plus the sequencer's reasons). */
        PUBLIC,
        /** Node runners: {@code auth.read.token} when one is configured. */
        NODE_RUNNER,
        /** Operators: {@code auth.operator.token}, always required. */
        OPERATOR
    }

    /** Parameter types. */
    public enum Type {
        /** Unsigned integer (JSON number or decimal string). */
        UINT,
        /** A 0x address. */
        ADDRESS
    }

    public record Param(String name, Type type, boolean required, String description) {}

    /**
     * @param method   POST (production's endpoints: JSON body) or GET (views: query string)
     * @param path     the path
     * @param audience who may call it
     * @param summary  one line
     * @param answer   what the answer holds
     * @param params   its parameters
     */
    public record Endpoint(
            String method, String path, Audience audience, String summary, String answer, List<Param> params) {}

    static final Param MARKET = new Param(
            "dataMarketAddress",
            Type.ADDRESS,
            false,
            "data market (default: query.data-market, else the only market seen)");
    static final Param SLOT = new Param("slotID", Type.UINT, true, "slot");
    static final Param EPOCH = new Param("epochID", Type.UINT, true, "epoch");
    static final Param DAY_OPT = new Param("day", Type.UINT, false, "day (default: the latest day seen)");
    static final Param PAST_DAYS = new Param(
            "pastDays",
            Type.UINT,
            true,
            "how many days back from the latest day, this one included (1..query.max.past.days)");
    static final Param PAGE = new Param("page", Type.UINT, false, "page, from 1 (default 1)");

    public static final List<Endpoint> ALL = List.of(
            // production's API (SPEC §12), same names and meanings
            new Endpoint(
                    "POST",
                    "/totalSubmissions",
                    Audience.NODE_RUNNER,
                    "A slot's submissions per day over the past days",
                    "list of {day, totalSubmissions, eligibleSubmissions}, latest day first: eligibleSubmissions "
                            + "are those matching their project's finalized CID (the count the accounting commits), "
                            + "totalSubmissions adds the discarded ones",
                    List.of(SLOT, PAST_DAYS, MARKET)),
            new Endpoint(
                    "POST",
                    "/eligibleNodesCount",
                    Audience.OPERATOR,
                    "Slots that reached the daily quota on a day",
                    "{day, eligibleNodesCount, slotIDs, committed}: committed is the day's on-chain "
                            + "updateEligibleNodesForDay record when there is one",
                    List.of(DAY_OPT, MARKET)),
            new Endpoint(
                    "POST",
                    "/eligibleNodesCountPastDays",
                    Audience.OPERATOR,
                    "Eligible nodes per day over the past days",
                    "list of {day, eligibleNodesCount}, latest day first",
                    List.of(PAST_DAYS, MARKET)),
            new Endpoint(
                    "POST",
                    "/batchCount",
                    Audience.OPERATOR,
                    "Batches of an epoch",
                    "{totalBatches} (0 while the epoch is open or when nothing finalized)",
                    List.of(EPOCH, MARKET)),
            new Endpoint(
                    "POST",
                    "/epochSubmissionDetails",
                    Audience.OPERATOR,
                    "Every submission of an epoch with its fate (paged)",
                    "{epochSubmissionCount, page, pageSize, submissions: [submission with fate]}",
                    List.of(EPOCH, PAGE, MARKET)),
            new Endpoint(
                    "POST",
                    "/eligibleSlotSubmissionCount",
                    Audience.OPERATOR,
                    "Counted submissions of each eligible slot on a day",
                    "{day, eligibleSlots: [{slotID, count}]} for the slots whose count reached the quota",
                    List.of(DAY_OPT, MARKET)),
            new Endpoint(
                    "POST",
                    "/discardedSubmissionsByEpoch",
                    Audience.OPERATOR,
                    "Discarded submissions of an epoch, per project",
                    "list of {projectID, mostFrequentSnapshotCID, discardedSubmissionCount, "
                            + "discardedSubmissions: {slotID: [snapshotCID]}}",
                    List.of(EPOCH, MARKET)),
            new Endpoint(
                    "POST",
                    "/discardedSubmissionsByDay",
                    Audience.NODE_RUNNER,
                    "A slot's discarded submissions on a day, per project (paged)",
                    "{day, page, pageSize, total, projects: [{projectID, details: {discardedSubmissionCount, "
                            + "discardedSubmissions: [{epochID, snapshotCID, winningCID, submissionID}]}}]}",
                    List.of(SLOT, DAY_OPT, PAGE, MARKET)),
            new Endpoint(
                    "POST",
                    "/lastSimulatedSubmission",
                    Audience.NODE_RUNNER,
                    "A slot's last simulation submission (epoch 0)",
                    "{slotID, receivedAtMs, time, nodeVersion, submissionID} or 404 when none was seen",
                    List.of(SLOT)),
            new Endpoint(
                    "POST",
                    "/lastSnapshotSubmission",
                    Audience.NODE_RUNNER,
                    "A slot's last real submission",
                    "{slotID, receivedAtMs, time, nodeVersion, epochID, projectID, snapshotCID, submissionID} "
                            + "or 404 when none was seen",
                    List.of(SLOT)),
            new Endpoint(
                    "POST",
                    "/activeNodesCountByEpoch",
                    Audience.OPERATOR,
                    "Slots that submitted in an epoch",
                    "{activeNodesCount}",
                    List.of(EPOCH, MARKET)),
            new Endpoint(
                    "POST",
                    "/snapshotterNodeVersion",
                    Audience.NODE_RUNNER,
                    "Node version a slot last sent",
                    "{slotID, nodeVersion} or 404 when the slot never sent one",
                    List.of(SLOT)),
            // views of the explorer
            new Endpoint(
                    "GET",
                    "/api/markets",
                    Audience.PUBLIC,
                    "Data markets seen, with their latest epoch and day",
                    "list of {market, latestEpoch, latestDay}",
                    List.of()),
            new Endpoint(
                    "GET",
                    "/api/epochs",
                    Audience.PUBLIC,
                    "Timeline: the latest epochs of a market",
                    "list of epoch summaries, latest first: released (chain watcher), windowOpenMs, windowCloseMs, "
                            + "projects, finalizedProjects, unfinalizedProjects, submissions, activeSlots, rejected "
                            + "(by reason), discarded, batchCount, batchesSeen, batchStatus, commitLatencyMs, end "
                            + "(endBatchSubmissions outcome)",
                    List.of(
                            MARKET,
                            new Param("before", Type.UINT, false, "only epochs below this one"),
                            new Param("limit", Type.UINT, false, "how many (default 20, at most 200)"))),
            new Endpoint(
                    "GET",
                    "/api/epoch",
                    Audience.PUBLIC,
                    "One epoch: summary, every project (finalized or not, winning CID and its count, batch), "
                            + "every batch (CID, transaction, status, latency), rejections by reason",
                    "{summary, projects, batches, slots (the slots that submitted)}",
                    List.of(EPOCH, MARKET)),
            new Endpoint(
                    "GET",
                    "/api/batch",
                    Audience.PUBLIC,
                    "One batch of an epoch",
                    "the batch record: batchCid, rootHash, projectIds, snapshotCids, status, txHash, blockNumber, "
                            + "commitLatencyMs",
                    List.of(EPOCH, new Param("batchIndex", Type.UINT, true, "batch index from 0"), MARKET)),
            new Endpoint(
                    "GET",
                    "/api/slot",
                    Audience.PUBLIC,
                    "One slot: its last submissions and days; with epochID, each of its submissions in that epoch "
                            + "with its fate",
                    "{slot, submissionCount, submissions (at most 1000): [{submissionID, projectID, snapshotCID, receivedAtMs, fate, reason, detail, "
                            + "winningCID, batchIndex, batchCID, txHash}]}; fate is one of batched, finalized "
                            + "(awaiting its batch), pending (epoch not decided yet), replaced, rejected, discarded, "
                            + "unfinalized",
                    List.of(SLOT, new Param("epochID", Type.UINT, false, "epoch"), MARKET)),
            new Endpoint(
                    "GET",
                    "/api/config",
                    Audience.PUBLIC,
                    "Links the explorer makes (explorer.cid.url, explorer.tx.url)",
                    "{cidUrl, txUrl}: templates with {cid} / {tx}, empty for none",
                    List.of()),
            new Endpoint(
                    "GET",
                    "/api/inputRejects",
                    Audience.PUBLIC,
                    "Input that names no epoch: bridge rejects and undecodable records, counts and the latest ones",
                    "{bridgeRejected, jobRejectedWithoutEpoch, undecodable (counts by reason), recent}",
                    List.of()));

    private Endpoints() {}

    /** The endpoint at {@code path}, or null. */
    public static Endpoint find(String path) {
        for (Endpoint e : ALL) {
            if (e.path().equals(path)) {
                return e;
            }
        }
        return null;
    }

    /** The OpenAPI 3.0 document of {@link #ALL}. */
    public static ObjectNode openApi(ObjectMapper json) {
        ObjectNode doc = json.createObjectNode();
        doc.put("openapi", "3.0.3");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Powerloom sequencer query API");
        info.put("version", "1");
        info.put(
                "description",
                "What the sequencer decided, materialized from its Kafka topics. Production's "
                        + "endpoints are POST with a JSON body and answer {\"info\":{\"success\":true,\"response\":…},"
                        + "\"requestID\":…}; errors answer the same envelope with success false and a message (400 bad "
                        + "parameter, 401/403 token, 404 nothing known, 503 state not ready). Views are GET with a query "
                        + "string and answer plain JSON ({\"error\":…} on errors).");
        ObjectNode schemes = doc.putObject("components").putObject("securitySchemes");
        schemes.putObject("readToken")
                .put("type", "http")
                .put("scheme", "bearer")
                .put("description", "auth.read.token, as a bearer token or the body's \"token\" field");
        schemes.putObject("operatorToken")
                .put("type", "http")
                .put("scheme", "bearer")
                .put("description", "auth.operator.token, as a bearer token or the body's \"token\" field");
        ObjectNode paths = doc.putObject("paths");
        for (Endpoint e : ALL) {
            ObjectNode op = paths.putObject(e.path()).putObject(e.method().toLowerCase(java.util.Locale.ROOT));
            op.put("summary", e.summary());
            op.put("operationId", e.path().substring(e.path().lastIndexOf('/') + 1));
            op.putArray("tags").add(e.audience() == Audience.PUBLIC ? "views" : "production");
            op.put("x-audience", e.audience().name());
            if (e.audience() != Audience.PUBLIC) {
                op.putArray("security")
                        .addObject()
                        .putArray(e.audience() == Audience.OPERATOR ? "operatorToken" : "readToken");
            }
            if ("GET".equals(e.method())) {
                ArrayNode ps = op.putArray("parameters");
                for (Param p : e.params()) {
                    ObjectNode q = ps.addObject();
                    q.put("name", p.name());
                    q.put("in", "query");
                    q.put("required", p.required());
                    q.put("description", p.description());
                    schema(q.putObject("schema"), p);
                }
            } else {
                ObjectNode schema = op.putObject("requestBody")
                        .put("required", true)
                        .putObject("content")
                        .putObject("application/json")
                        .putObject("schema");
                schema.put("type", "object");
                ObjectNode props = schema.putObject("properties");
                ArrayNode required = json.createArrayNode();
                for (Param p : e.params()) {
                    schema(props.putObject(p.name()), p).put("description", p.description());
                    if (p.required()) {
                        required.add(p.name());
                    }
                }
                props.putObject("token").put("type", "string").put("description", "the token, if not in a header");
                if (!required.isEmpty()) {
                    schema.set("required", required);
                }
            }
            ObjectNode responses = op.putObject("responses");
            responses.putObject("200").put("description", e.answer());
            responses
                    .putObject("400")
                    .put("description", "a parameter is missing or malformed (the message says which)");
            if (e.audience() != Audience.PUBLIC) {
                responses.putObject("401").put("description", "no token or a wrong one");
            }
            responses.putObject("503").put("description", "the state is being restored or rebalanced: retry");
        }
        return doc;
    }

    private static ObjectNode schema(ObjectNode s, Param p) {
        if (p.type() == Type.UINT) {
            s.put("type", "integer").put("minimum", 0);
        } else {
            s.put("type", "string").put("pattern", "^0x[0-9a-fA-F]{40}$");
        }
        return s;
    }
}
