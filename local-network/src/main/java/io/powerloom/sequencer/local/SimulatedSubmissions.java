package io.powerloom.sequencer.local;

import io.powerloom.sequencer.protocol.cid.Cid;
import io.powerloom.sequencer.protocol.crypto.Eip712;
import io.powerloom.sequencer.protocol.crypto.Eip712Domain;
import io.powerloom.sequencer.protocol.crypto.Hex;
import io.powerloom.sequencer.protocol.crypto.Keccak256;
import io.powerloom.sequencer.protocol.crypto.Secp256k1;
import io.powerloom.sequencer.protocol.wire.Request;
import io.powerloom.sequencer.protocol.wire.SnapshotSubmission;
import io.powerloom.sequencer.protocol.wire.SubmissionCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * What the simulated snapshotter nodes submit: per slot a deterministic secp256k1 key, per (epoch, project) the CID
 * an honest node computes, EIP-712 signed requests (SPEC §2) in the local collector's wire format (36-character
 * UUID immediately followed by the Go JSON of the {@code SnapshotSubmission}), and deliberately faulty variants.
 *
 * <p>Slots {@code 1..fullNodes} are full nodes and submit every project each epoch; the other slots submit
 * {@link LocalNetworkOptions#LIGHT_NODE_PROJECTS} projects, rotating with the epoch.
 */
public final class SimulatedSubmissions {
    /** What is wrong with a submission, and the rejection it should cause. */
    public enum Fault {
        /** An honest submission. */
        NONE,
        /** Signed by a key that is not the slot's snapshotter: the job rejects it (SIGNER_NOT_SLOT_OWNER). */
        FORGED_SIGNATURE,
        /** Names a slot that is not registered on chain: the job rejects it (SLOT_NOT_REGISTERED). */
        UNREGISTERED_SLOT,
        /** Honest, but sent after the submission window: the job rejects it (LATE). */
        LATE,
        /** A JSON object that is not a SnapshotSubmission (no request): the bridge rejects it, the stream goes on. */
        MALFORMED
    }

    /** One submission ready to be written to a {@code /collect} stream. */
    public record Planned(long slotId, String projectId, Fault fault, String submissionId, byte[] frame) {}

    /** Slot ids of {@link Fault#UNREGISTERED_SLOT} submissions start here (never registered). */
    public static final long UNREGISTERED_SLOT_BASE = 1_000_000;

    private final Eip712Domain domain;
    private final String dataMarket;
    private final int slots;
    private final int fullNodes;
    private final int projects;
    private final double faultyShare;

    public SimulatedSubmissions(
            Eip712Domain domain, String dataMarket, int slots, int fullNodes, int projects, double faultyShare) {
        this.domain = domain;
        this.dataMarket = dataMarket.toLowerCase(Locale.ROOT);
        this.slots = slots;
        this.fullNodes = fullNodes;
        this.projects = projects;
        this.faultyShare = faultyShare;
    }

    /** The private key of the snapshotter that owns {@code slotId} in the local network. */
    public static byte[] snapshotterKey(long slotId) {
        return Keccak256.hash(("powerloom-local-network-snapshotter-" + slotId).getBytes(StandardCharsets.UTF_8));
    }

    /** The address registered for {@code slotId}. */
    public static String snapshotterAddress(long slotId) {
        return Secp256k1.addressOf(snapshotterKey(slotId));
    }

    /** Project {@code index} (0-based), shaped like a production project ID. */
    public static String projectId(int index) {
        return String.format(Locale.ROOT, "aggregate_pairContract_24h_trade_volume:0x%040x:UNISWAPV2", index + 1);
    }

    /** The CID every honest node computes for a project in an epoch (CIDv1 raw leaves of a small snapshot). */
    public static String snapshotCid(long epochId, String projectId) {
        return Cid.rawLeavesV1(
                ("{\"epoch\":" + epochId + ",\"project\":\"" + projectId + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code slotId} is a full node (exempt from the per-slot limit). */
    public boolean isFullNode(long slotId) {
        return slotId >= 1 && slotId <= fullNodes;
    }

    /** The addresses of the full-node slots, for the job's {@code sequencer.verify.full-nodes}. */
    public List<String> fullNodeAddresses() {
        List<String> out = new ArrayList<>();
        for (long s = 1; s <= fullNodes; s++) {
            out.add(snapshotterAddress(s));
        }
        return out;
    }

    /** The project indexes {@code slotId} submits in {@code epochId}. */
    public List<Integer> projectsOf(long slotId, long epochId) {
        List<Integer> out = new ArrayList<>();
        if (isFullNode(slotId)) {
            for (int p = 0; p < projects; p++) {
                out.add(p);
            }
            return out;
        }
        int n = Math.min(LocalNetworkOptions.LIGHT_NODE_PROJECTS, projects);
        for (int i = 0; i < n; i++) {
            out.add((int) Math.floorMod(slotId * 7 + epochId + i, (long) projects));
        }
        return out;
    }

    /**
     * The submissions of {@code slotId} for {@code epochId}: one per project it covers, each replaced by a faulty
     * one with probability {@code faultyShare} (the kind drawn uniformly).
     *
     * @param headNumber the latest protocol-chain block the node knows ({@code deadline} = it + {@code deadlineBuffer})
     * @param headHash   that block's hash (the {@code header} field)
     */
    public List<Planned> plan(
            long slotId, long epochId, long headNumber, String headHash, long deadlineBuffer, Random rnd) {
        if (slotId < 1 || slotId > slots) {
            throw new IllegalArgumentException("slot " + slotId + " is not one of 1.." + slots);
        }
        List<Planned> out = new ArrayList<>();
        for (int p : projectsOf(slotId, epochId)) {
            String project = projectId(p);
            Fault fault = Fault.NONE;
            if (rnd.nextDouble() < faultyShare) {
                Fault[] kinds = {Fault.FORGED_SIGNATURE, Fault.UNREGISTERED_SLOT, Fault.LATE, Fault.MALFORMED};
                fault = kinds[rnd.nextInt(kinds.length)];
            }
            out.add(build(slotId, epochId, project, headNumber + deadlineBuffer, headHash, fault, rnd));
        }
        return out;
    }

    /** One submission of {@code slotId} for {@code projectId} with the given fault. */
    public Planned build(
            long slotId, long epochId, String projectId, long deadline, String headHash, Fault fault, Random rnd) {
        String id = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
        String cid = snapshotCid(epochId, projectId);
        byte[] json;
        switch (fault) {
            case MALFORMED ->
                json = ("{\"signature\":\"00\",\"header\":\"" + headHash + "\",\"dataMarket\":\"" + dataMarket
                                + "\",\"nodeVersion\":\"local-network\"}")
                        .getBytes(StandardCharsets.UTF_8);
            case FORGED_SIGNATURE ->
                json = signed(
                        new Request(slotId, deadline, cid, epochId, projectId),
                        Keccak256.hash(("forger-" + rnd.nextLong()).getBytes(StandardCharsets.UTF_8)),
                        headHash);
            case UNREGISTERED_SLOT -> {
                long wrong = UNREGISTERED_SLOT_BASE + slotId;
                json = signed(new Request(wrong, deadline, cid, epochId, projectId), snapshotterKey(slotId), headHash);
            }
            default ->
                json = signed(new Request(slotId, deadline, cid, epochId, projectId), snapshotterKey(slotId), headHash);
        }
        byte[] frame = new byte[36 + json.length];
        System.arraycopy(id.getBytes(StandardCharsets.US_ASCII), 0, frame, 0, 36);
        System.arraycopy(json, 0, frame, 36, json.length);
        return new Planned(slotId, projectId, fault, id, frame);
    }

    private byte[] signed(Request r, byte[] key, String headHash) {
        byte[] sig = Secp256k1.sign(key, Eip712.digest(domain, r));
        // local collectors send the signature as hex without 0x
        return SubmissionCodec.toGoJson(
                new SnapshotSubmission(r, Hex.encode(sig), headHash, dataMarket, "local-network"));
    }
}
