package io.powerloom.sequencer.job;

import io.powerloom.sequencer.model.RejectReason;
import io.powerloom.sequencer.protocol.cid.Cid;
import io.powerloom.sequencer.protocol.crypto.Eip712;
import io.powerloom.sequencer.protocol.crypto.Secp256k1;
import io.powerloom.sequencer.protocol.records.ChainBlock;
import io.powerloom.sequencer.protocol.records.EpochReleased;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.SlotAssignment;
import io.powerloom.sequencer.protocol.records.SubmissionEnvelope;
import io.powerloom.sequencer.protocol.wire.Request;
import io.powerloom.sequencer.protocol.wire.SnapshotSubmission;
import io.powerloom.sequencer.protocol.wire.SubmissionCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A planted workload for the end-to-end test, with its expected outcome computed independently of the job (a plain,
 * non-streaming reading of the rules).
 *
 * <p>Per epoch (release seen at {@code t0 + e * 60 s}, window 30 s), for each project: slots 1..8 (full nodes) vote —
 * usually 5 A : 3 B; every 10th project (kind 3) ties 4 : 4 (smallest CID wins); kind 9 splits 3 : 3 : 2 and misses the
 * 40 % quorum (unfinalized); kind 5 has slot 1 resubmit (the first is REPLACED); kind 7 has slot 2 send a LATE extra.
 * Slot 9 (not a full node) submits for projects 0, 1, 2: the third is over the limit of 2. Slot 10 submits a forged
 * submission (signed by a key that does not own the slot), a garbage signature, a submission for an unknown data
 * market, a stale deadline; one undecodable record per epoch; one submission for an epoch never released.
 */
public final class EpochScenario {
    public static final long WINDOW_SECONDS = 30;
    public static final long EPOCH_SPACING_MS = 60_000;
    public static final double MIN_SHARE = 0.4;
    public static final int FULL_NODE_SLOTS = 8;
    public static final long HEAD_BLOCK = 100;

    private final int epochs;
    private final int projects;
    private final long t0;

    /** What the test sends, in send order. */
    public record Send(String topic, String key, byte[] value, long timestamp) {}

    /** An expected finalization. */
    public record Expected(String projectId, long epoch, boolean finalized, String cid, List<String> submissionIds) {}

    /** Block data of an on-chain release, to put into the EpochReleased records. */
    public record Release(
            long epochId,
            long begin,
            long end,
            long chainTimestamp,
            long blockNumber,
            String blockHash,
            String txHash,
            int logIndex) {}

    private final List<Send> submissionSends = new ArrayList<>();
    private final Map<String, Expected> expected = new TreeMap<>();
    private final Map<RejectReason, List<String>> rejected = new EnumMap<>(RejectReason.class);

    public EpochScenario(int epochs, int projects, long t0) {
        this.epochs = epochs;
        this.projects = projects;
        this.t0 = t0;
    }

    public static String projectId(int p) {
        return String.format("aggregate_pairContract_24h_trade_volume:0x%040x:UNISWAPV2", p + 1);
    }

    static String cid(String tag, long epoch, int p) {
        return Cid.rawLeavesV1((tag + "/" + epoch + "/" + p).getBytes(StandardCharsets.UTF_8));
    }

    public long releaseTime(long epoch) {
        return t0 + epoch * EPOCH_SPACING_MS;
    }

    /** Chain topic records: slot registrations, a block head, and the epoch releases. */
    public List<Send> chainRecords(String topic, List<Release> releases, String market) {
        List<Send> out = new ArrayList<>();
        for (long slot = 1; slot <= 10; slot++) {
            out.add(new Send(
                    topic,
                    "slot",
                    RecordCodec.encode(new SlotAssignment(slot, Snapshotters.address(slot), true, 1, t0 - 1000)),
                    t0 - 1000));
        }
        out.add(new Send(
                topic,
                "block",
                RecordCodec.encode(new ChainBlock(HEAD_BLOCK, "0x" + "cd".repeat(32), 1, t0 - 500)),
                t0 - 500));
        for (Release r : releases) {
            long at = releaseTime(r.epochId());
            out.add(new Send(
                    topic,
                    market,
                    RecordCodec.encode(new EpochReleased(
                            market,
                            r.epochId(),
                            r.begin(),
                            r.end(),
                            r.chainTimestamp(),
                            r.blockNumber(),
                            r.blockHash(),
                            r.txHash(),
                            r.logIndex(),
                            WINDOW_SECONDS,
                            1_000_000,
                            at,
                            false)),
                    at));
        }
        return out;
    }

    /** Generates the submissions and the expected outcome. */
    public List<Send> submissions(String topic, String market) {
        List<Timed> all = new ArrayList<>();
        for (long e = 1; e <= epochs; e++) {
            long release = releaseTime(e);
            long close = release + WINDOW_SECONDS * 1000;
            for (int p = 0; p < projects; p++) {
                String project = projectId(p);
                String a = cid("A", e, p);
                String b = cid("B", e, p);
                String c = cid("C", e, p);
                int kind = p % 10;
                Map<Long, String> valid = new TreeMap<>(); // slot -> id of its counted submission
                Map<String, Integer> votes = new TreeMap<>();
                for (long slot = 1; slot <= FULL_NODE_SLOTS; slot++) {
                    String vote = switch (kind) {
                        case 3 -> slot <= 4 ? a : b;
                        case 9 -> slot <= 3 ? a : slot <= 6 ? b : c;
                        default -> slot <= 5 ? a : b;
                    };
                    long at = release + 1000 + p * 20L + slot;
                    String id = Snapshotters.id(e + "/" + p + "/" + slot);
                    long deadline = 1_000_000;
                    if (p == 11 && slot == 7) {
                        deadline = 10; // stale: the head was HEAD_BLOCK when received
                        reject(RejectReason.DEADLINE_PASSED, id);
                    } else {
                        valid.put(slot, id);
                        votes.merge(vote, 1, Integer::sum);
                    }
                    all.add(submission(id, slot, Snapshotters.key(slot), e, project, vote, deadline, market, at));
                    if (kind == 5 && slot == 1) {
                        String first = Snapshotters.id(e + "/" + p + "/1/first");
                        all.add(submission(
                                first,
                                1,
                                Snapshotters.key(1),
                                e,
                                project,
                                b,
                                1_000_000,
                                market,
                                release + 500 + p * 20L));
                        reject(RejectReason.REPLACED, first);
                    }
                    if (kind == 7 && slot == 2) {
                        String late = Snapshotters.id(e + "/" + p + "/2/late");
                        all.add(submission(
                                late, 2, Snapshotters.key(2), e, project, b, 1_000_000, market, close + 2000 + p));
                        reject(RejectReason.LATE, late);
                    }
                }
                if (p <= 2) { // slot 9 is not a full node: 2 per epoch
                    String id = Snapshotters.id(e + "/" + p + "/9");
                    all.add(submission(
                            id, 9, Snapshotters.key(9), e, project, a, 1_000_000, market, release + 900 + p));
                    if (p < 2) {
                        valid.put(9L, id);
                        votes.merge(a, 1, Integer::sum);
                    } else {
                        reject(RejectReason.SLOT_EPOCH_LIMIT, id);
                    }
                }
                if (p == 4) {
                    String id = Snapshotters.id(e + "/" + p + "/10/forged");
                    all.add(submission(id, 10, Snapshotters.key(11), e, project, c, 1_000_000, market, release + 950));
                    reject(RejectReason.SIGNER_NOT_SLOT_OWNER, id);
                }
                if (p == 6) {
                    String id = Snapshotters.id(e + "/" + p + "/10/garbage");
                    Request r = new Request(10, 1_000_000, c, e, project);
                    SnapshotSubmission s =
                            new SnapshotSubmission(r, "00".repeat(64) + "1b", "0x" + "ab".repeat(32), market, null);
                    all.add(new Timed(
                            release + 960,
                            envelope(
                                    topic,
                                    id,
                                    10,
                                    new String(SubmissionCodec.toGoJson(s), StandardCharsets.UTF_8),
                                    release + 960)));
                    reject(RejectReason.BAD_SIGNATURE, id);
                }
                if (p == 8) {
                    String id = Snapshotters.id(e + "/" + p + "/10/market");
                    all.add(submission(
                            id,
                            10,
                            Snapshotters.key(10),
                            e,
                            project,
                            c,
                            1_000_000,
                            "0x" + "99".repeat(20),
                            release + 970));
                    reject(RejectReason.UNKNOWN_DATA_MARKET, id);
                }
                expected.put(key(e, project), expect(project, e, votes, valid));
            }
            all.add(new Timed(
                    release + 2000,
                    new Send(null, "x", "not json {".getBytes(StandardCharsets.UTF_8), release + 2000)));
            reject(RejectReason.UNDECODABLE_RECORD, null);
        }
        String orphan = Snapshotters.id("orphan");
        all.add(submission(
                orphan, 1, Snapshotters.key(1), 999, projectId(0), cid("A", 999, 0), 1_000_000, market, t0 + 1000));
        reject(RejectReason.UNKNOWN_EPOCH, orphan);

        all.sort(Comparator.comparingLong(Timed::at)); // the bridge writes in receive order
        for (Timed t : all) {
            Send s = t.send();
            submissionSends.add(new Send(topic, s.key(), s.value(), s.timestamp()));
        }
        return submissionSends;
    }

    private record Timed(long at, Send send) {}

    private Timed submission(
            String id,
            long slot,
            byte[] key,
            long epoch,
            String project,
            String cid,
            long deadline,
            String market,
            long at) {
        Request r = new Request(slot, deadline, cid, epoch, project);
        byte[] sig = Secp256k1.sign(key, Eip712.digest(Snapshotters.DOMAIN, r));
        SnapshotSubmission s = new SnapshotSubmission(
                r, io.powerloom.sequencer.protocol.crypto.Hex.encode(sig), "0x" + "ab".repeat(32), market, "v0.9.0");
        return new Timed(
                at, envelope(null, id, slot, new String(SubmissionCodec.toGoJson(s), StandardCharsets.UTF_8), at));
    }

    private static Send envelope(String topic, String id, long slot, String json, long at) {
        byte[] value = RecordCodec.encode(new SubmissionEnvelope(id, "12D3KooWScenarioPeer", at, "bridge-test", json));
        return new Send(topic, Long.toString(slot), value, at);
    }

    private static Expected expect(String project, long epoch, Map<String, Integer> votes, Map<Long, String> valid) {
        String winner = null;
        int best = 0;
        int total = 0;
        for (Map.Entry<String, Integer> v : votes.entrySet()) { // sorted by CID: ties keep the smallest
            total += v.getValue();
            if (v.getValue() > best) {
                best = v.getValue();
                winner = v.getKey();
            }
        }
        boolean finalized = best >= 1 && best >= MIN_SHARE * total;
        return new Expected(project, epoch, finalized, finalized ? winner : null, new ArrayList<>(valid.values()));
    }

    private void reject(RejectReason reason, String id) {
        rejected.computeIfAbsent(reason, r -> new ArrayList<>()).add(id);
    }

    public static String key(long epoch, String project) {
        return Long.toUnsignedString(epoch) + "|" + project;
    }

    public Map<String, Expected> expected() {
        return expected;
    }

    public Map<RejectReason, List<String>> expectedRejections() {
        return rejected;
    }

    public int epochs() {
        return epochs;
    }
}
