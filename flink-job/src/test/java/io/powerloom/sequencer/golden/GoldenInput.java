package io.powerloom.sequencer.golden;

import io.powerloom.sequencer.golden.GoldenFiles.InputRecord;
import io.powerloom.sequencer.job.EpochScenario;
import io.powerloom.sequencer.job.Snapshotters;
import io.powerloom.sequencer.protocol.cid.Cid;
import io.powerloom.sequencer.protocol.records.ChainBlock;
import io.powerloom.sequencer.protocol.records.Heartbeat;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.RecordFormatException;
import io.powerloom.sequencer.protocol.records.SubmissionEnvelope;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Utils;

/**
 * Builds the golden input from the end-to-end fixtures, once, when it is recorded ({@code -Dgolden.record=true} with no
 * {@code input.jsonl.gz} yet); the tests read the stored file, never this class, so the fixtures may change later.
 *
 * <p>What it holds: {@link EpochScenario}'s {@value #EPOCHS} epochs × {@value #PROJECTS} projects from a fixed
 * {@link #T0} (votes 5:3, ties, a split without quorum, a resubmission, a late submission, slot 9 over its epoch limit,
 * a forged signer, a garbage signature, an unknown market, a passed deadline, an undecodable record per epoch, an
 * unknown epoch); simulation submissions (epoch 0) of slots 1–3 every epoch; the gossipsub copies of about a quarter
 * of the submissions (another id, peer and message id, a few ms later, some twice) as {@code DualPathITCase} makes
 * them; the chain topic's slot registrations, block head and epoch releases, with fixed block data. The tail
 * ({@code input-tail.jsonl}) moves event time past the last epoch's close as the bridge's heartbeats and the chain
 * watcher's block heads do: the savepoint was taken before it, with the last epoch open.
 */
final class GoldenInput {
    /** Fixed start: 2026-05-28T20:27:00Z, a whole minute. */
    static final long T0 = 1_780_000_020_000L;

    static final int EPOCHS = 3;
    static final int PROJECTS = 24;
    static final int SUBMISSION_PARTITIONS = 4;
    static final int SLOTS = 10;
    static final String SUBMISSIONS = "submissions";
    static final String CHAIN = "protocol-chain";

    private GoldenInput() {}

    /** The deployment facts the tests need to rebuild the chain without the fixtures. */
    static Properties manifest() {
        Properties p = new Properties();
        p.setProperty("t0", Long.toString(T0));
        p.setProperty("epochs", Integer.toString(EPOCHS));
        p.setProperty("projects", Integer.toString(PROJECTS));
        p.setProperty("epoch-size", "10");
        p.setProperty("window-seconds", Long.toString(EpochScenario.WINDOW_SECONDS));
        p.setProperty("min-share", Double.toString(EpochScenario.MIN_SHARE));
        p.setProperty("chain-id", Long.toString(Snapshotters.CHAIN_ID));
        p.setProperty("protocol-state", Snapshotters.PROTOCOL_STATE);
        p.setProperty("data-market", Snapshotters.MARKET);
        p.setProperty(
                "snapshotters",
                IntStream.rangeClosed(1, SLOTS).mapToObj(Snapshotters::address).collect(Collectors.joining(",")));
        p.setProperty(
                "full-nodes",
                IntStream.rangeClosed(1, EpochScenario.FULL_NODE_SLOTS)
                        .mapToObj(Snapshotters::address)
                        .collect(Collectors.joining(",")));
        p.setProperty("submission-partitions", Integer.toString(SUBMISSION_PARTITIONS));
        return p;
    }

    /** The input in write order, with the partitions and offsets a fresh topic gives. */
    static List<InputRecord> generate() {
        EpochScenario scenario = new EpochScenario(EPOCHS, PROJECTS, T0);
        List<EpochScenario.Release> releases = new ArrayList<>();
        for (long e = 1; e <= EPOCHS; e++) {
            // what the chain watcher would have seen; only the epoch's range must match the chain the tests deploy
            releases.add(new EpochScenario.Release(
                    e,
                    (e - 1) * 10 + 1,
                    e * 10,
                    T0 / 1000 + e * 60 - 2,
                    40 + e,
                    "0x" + String.format("%064x", 0xb10c00L + e),
                    "0x" + String.format("%064x", 0x7e00L + e),
                    0));
        }
        Offsets offsets = new Offsets();
        List<InputRecord> out = new ArrayList<>();
        for (EpochScenario.Send s : scenario.chainRecords(CHAIN, releases, Snapshotters.MARKET)) {
            out.add(offsets.place(CHAIN, 0, s.timestamp(), s.key(), s.value()));
        }

        record Timed(long at, int seq, String key, byte[] value) {}
        List<Timed> subs = new ArrayList<>();
        int seq = 0;
        for (EpochScenario.Send s : scenario.submissions(SUBMISSIONS, Snapshotters.MARKET)) {
            subs.add(new Timed(s.timestamp(), seq++, s.key(), s.value()));
            SubmissionEnvelope e;
            try {
                e = RecordCodec.decodeSubmissionEnvelope(s.value());
            } catch (RecordFormatException undecodable) {
                continue;
            }
            int h = Math.floorMod(e.submissionId().hashCode(), 8);
            int copies = h == 0 ? 2 : h == 1 ? 1 : 0;
            for (int c = 1; c <= copies; c++) {
                SubmissionEnvelope g = Snapshotters.gossipCopy(e, seq, c);
                subs.add(new Timed(g.receivedAtMs(), seq++, s.key(), RecordCodec.encode(g)));
            }
        }
        for (long e = 1; e <= EPOCHS; e++) {
            for (long slot = 1; slot <= 3; slot++) { // simulations: epoch 0, kept as the slot's last, never finalized
                long at = scenario.releaseTime(e) + 1500 + slot;
                String json = Snapshotters.json(
                        Snapshotters.key(slot),
                        slot,
                        0,
                        EpochScenario.projectId((int) slot),
                        Cid.rawLeavesV1(("simulation/" + e + "/" + slot).getBytes(StandardCharsets.UTF_8)),
                        1_000_000,
                        Snapshotters.MARKET);
                SubmissionEnvelope env = new SubmissionEnvelope(
                        Snapshotters.id("simulation/" + e + "/" + slot),
                        "12D3KooWScenarioPeer",
                        at,
                        "bridge-test",
                        json);
                subs.add(new Timed(at, seq++, Long.toString(slot), RecordCodec.encode(env)));
            }
        }
        subs.sort(
                Comparator.comparingLong(Timed::at).thenComparingInt(Timed::seq)); // the bridge writes in receive order
        for (Timed t : subs) {
            out.add(offsets.place(SUBMISSIONS, partition(t.key()), t.at(), t.key(), t.value()));
        }
        return out;
    }

    /**
     * Event time moved past every timer the input arms (the last epoch's close, and the unknown epoch's release wait
     * of 5 minutes after {@code T0 + 1 s}): a heartbeat into every submissions partition and a block head, 10 minutes
     * after the last release, placed after {@code input}.
     */
    static List<InputRecord> tail(List<InputRecord> input) {
        Offsets offsets = new Offsets();
        input.forEach(r -> offsets.place(r.topic(), r.partition(), r.timestamp(), r.key(), r.value()));
        long at = T0 + EPOCHS * EpochScenario.EPOCH_SPACING_MS + 600_000;
        List<InputRecord> out = new ArrayList<>();
        for (int p = 0; p < SUBMISSION_PARTITIONS; p++) {
            out.add(offsets.place(
                    SUBMISSIONS, p, at, "hb", RecordCodec.encode(new Heartbeat(at, "bridge-test", p, 0))));
        }
        out.add(offsets.place(
                CHAIN,
                0,
                at,
                "block",
                RecordCodec.encode(new ChainBlock(
                        EpochScenario.HEAD_BLOCK + 1, "0x" + "ce".repeat(32), T0 / 1000 + EPOCHS * 60 + 600, at))));
        return out;
    }

    /** The partition Kafka's producer picks for a key (murmur2 of its UTF-8 bytes), written explicitly. */
    static int partition(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % SUBMISSION_PARTITIONS;
    }

    private static final class Offsets {
        private final Map<String, Long> next = new HashMap<>();

        InputRecord place(String topic, int partition, long timestamp, String key, byte[] value) {
            long offset = next.merge(topic + "/" + partition, 1L, Long::sum) - 1;
            return new InputRecord(topic, partition, offset, timestamp, key, value);
        }
    }
}
