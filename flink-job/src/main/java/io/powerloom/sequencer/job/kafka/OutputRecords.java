package io.powerloom.sequencer.job.kafka;

import io.powerloom.sequencer.accounting.DiscardedSubmission;
import io.powerloom.sequencer.accounting.SlotCount;
import io.powerloom.sequencer.anchor.AnchorOutcome;
import io.powerloom.sequencer.model.ProjectEpochKey;
import io.powerloom.sequencer.model.ProjectEpochResult;
import io.powerloom.sequencer.model.RejectedSubmission;
import io.powerloom.sequencer.protocol.json.JsonWriter;
import io.powerloom.sequencer.protocol.records.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * JSON of the job's output topics (version {@code "v":1}). Only what the log determines goes in (no wall-clock
 * times except measured commit latency on batch outcomes), so a replay writes the same finalized records. The
 * slot-counts and discarded formats are the ones agreed with the query service (docs/architecture.md).
 */
public final class OutputRecords {
    private OutputRecords() {}

    public static byte[] key(ProjectEpochResult r) {
        return utf8(ProjectEpochKey.of(r).encode());
    }

    public static byte[] value(ProjectEpochResult r) {
        JsonWriter w = start("projectEpoch");
        w.name("dataMarket").value(r.dataMarket());
        w.name("epochId").unsignedValue(r.epochId());
        w.name("projectId").value(r.projectId());
        w.name("status").value(r.finalized() ? "FINALIZED" : "UNFINALIZED");
        if (r.snapshotCid() != null) {
            w.name("snapshotCid").value(r.snapshotCid());
        }
        w.name("winnerCount").value(r.winnerCount());
        w.name("totalCount").value(r.totalCount());
        w.name("cidCounts").beginObject();
        for (int i = 0; i < r.cids().length; i++) {
            w.name(r.cids()[i]).value(r.cidCounts()[i]);
        }
        w.endObject();
        strings(w, "submissionIds", r.submissionIds());
        w.name("windowOpenMs").value(r.windowOpenMs());
        w.name("windowCloseMs").value(r.windowCloseMs());
        return w.endObject().toBytes();
    }

    public static byte[] key(AnchorOutcome o) {
        return utf8(ProjectEpochKey.ofEpoch(o.dataMarket(), o.epochId()).encode() + "|"
                + (o.batchIndex() < 0 ? "end" : Integer.toString(o.batchIndex())));
    }

    public static byte[] value(AnchorOutcome o) {
        return value(o, Map.of());
    }

    /**
     * A batch outcome; batch records also carry {@code settings}: the job's decision settings
     * ({@link io.powerloom.sequencer.job.SequencerConfig#decisionSettings()}), so that an audit can rebuild the same
     * batches from the log without knowing how the live job was configured.
     */
    public static byte[] value(AnchorOutcome o, Map<String, String> settings) {
        JsonWriter w = start(AnchorOutcome.BATCH.equals(o.type()) ? "batch" : "epochEnd");
        w.name("dataMarket").value(o.dataMarket());
        w.name("epochId").unsignedValue(o.epochId());
        if (o.batchIndex() >= 0) {
            w.name("batchIndex").value(o.batchIndex());
        }
        w.name("batchCount").value(o.batchCount());
        if (o.batchCid() != null) {
            w.name("batchCid").value(o.batchCid());
            w.name("rootHash").value(o.rootHash());
            w.name("finalizedCidsRootHash").value(o.finalizedCidsRootHash());
            strings(w, "projectIds", o.projectIds());
            strings(w, "snapshotCids", o.snapshotCids());
        }
        w.name("status").value(o.status().name());
        if (o.txHash() != null) {
            w.name("txHash").value(o.txHash());
            w.name("blockNumber").value(o.blockNumber());
        }
        if (o.detail() != null) {
            w.name("detail").value(o.detail());
        }
        w.name("windowCloseMs").value(o.windowCloseMs());
        if (o.batchCid() != null && !settings.isEmpty()) {
            w.name("settings").beginObject();
            settings.forEach((k, v) -> w.name(k).value(v));
            w.endObject();
        }
        if (o.commitLatencyMs() >= 0) {
            w.name("commitLatencyMs").value(o.commitLatencyMs());
        }
        return w.endObject().toBytes();
    }

    public static byte[] key(RejectedSubmission r) {
        return utf8(r.submissionId());
    }

    public static byte[] value(RejectedSubmission r) {
        JsonWriter w = start("rejected");
        w.name("submissionId").value(r.submissionId());
        w.name("reason").value(r.reason().name());
        w.name("detail").value(r.detail() == null ? "" : r.detail());
        if (r.dataMarket() != null) {
            w.name("dataMarket").value(r.dataMarket());
        }
        if (r.slotId() >= 0 || r.epochId() >= 0) {
            w.name("slotId").unsignedValue(r.slotId());
            w.name("epochId").unsignedValue(r.epochId());
        }
        if (r.projectId() != null) {
            w.name("projectId").value(r.projectId());
        }
        if (r.peerId() != null) {
            w.name("peerId").value(r.peerId());
        }
        w.name("receivedAtMs").value(r.receivedAtMs());
        return w.endObject().toBytes();
    }

    /** slot-counts key: {@code <dataMarket>|<day>|<slotId>}, or {@code <dataMarket>|<day>|eligible}. */
    public static byte[] key(SlotCount c) {
        return utf8(
                c.isDayEligible()
                        ? Topics.dayEligibleKey(c.dataMarket(), c.day())
                        : Topics.slotCountKey(c.dataMarket(), c.day(), c.slotId()));
    }

    public static byte[] value(SlotCount c) {
        JsonWriter w;
        if (c.isDayEligible()) {
            w = start("dayEligible");
            w.name("dataMarket").value(c.dataMarket());
            w.name("day").unsignedValue(c.day());
            w.name("eligibleNodes").unsignedValue(c.count());
            w.name("quota").unsignedValue(c.quota());
        } else {
            w = start("slotCount");
            w.name("dataMarket").value(c.dataMarket());
            w.name("day").unsignedValue(c.day());
            w.name("slotId").unsignedValue(c.slotId());
            w.name("count").unsignedValue(c.count());
            w.name("kind").value(c.kind().name());
            w.name("eligible").value(c.eligible());
        }
        w.name("epochId").unsignedValue(c.epochId());
        w.name("status").value(c.status());
        if (c.txHash() != null) {
            w.name("txHash").value(c.txHash());
            w.name("blockNumber").value(c.blockNumber());
        }
        if (c.detail() != null) {
            w.name("detail").value(c.detail());
        }
        return w.endObject().toBytes();
    }

    /** discarded key: the submission ID. */
    public static byte[] key(DiscardedSubmission d) {
        return utf8(d.submissionId());
    }

    public static byte[] value(DiscardedSubmission d) {
        JsonWriter w = start("discarded");
        w.name("dataMarket").value(d.dataMarket());
        w.name("epochId").unsignedValue(d.epochId());
        w.name("day").unsignedValue(d.day());
        w.name("projectId").value(d.projectId());
        w.name("slotId").unsignedValue(d.slotId());
        w.name("submissionId").value(d.submissionId());
        w.name("snapshotCid").value(d.snapshotCid());
        if (d.winningCid() != null) {
            w.name("winningCid").value(d.winningCid());
        }
        w.name("receivedAtMs").value(d.receivedAtMs());
        return w.endObject().toBytes();
    }

    private static JsonWriter start(String type) {
        JsonWriter w = new JsonWriter(JsonWriter.Style.MINIMAL, 256);
        w.beginObject();
        w.name("v").value(1);
        w.name("type").value(type);
        return w;
    }

    private static void strings(JsonWriter w, String name, String[] values) {
        w.name(name).beginArray();
        for (String v : values) {
            w.value(v);
        }
        w.endArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
