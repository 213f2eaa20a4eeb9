package io.powerloom.sequencer.job;

import io.powerloom.sequencer.model.SignedSubmission;
import io.powerloom.sequencer.protocol.crypto.Eip712;
import io.powerloom.sequencer.protocol.crypto.Eip712Domain;
import io.powerloom.sequencer.protocol.crypto.Hex;
import io.powerloom.sequencer.protocol.crypto.Keccak256;
import io.powerloom.sequencer.protocol.crypto.Secp256k1;
import io.powerloom.sequencer.protocol.records.SubmissionEnvelope;
import io.powerloom.sequencer.protocol.wire.Request;
import io.powerloom.sequencer.protocol.wire.SnapshotSubmission;
import io.powerloom.sequencer.protocol.wire.SubmissionCodec;
import io.powerloom.sequencer.verify.CollectedRecord;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Test snapshotters: deterministic keys per slot, and submissions signed with EIP-712 exactly as a snapshotter node
 * signs them, serialised as the local collector's Go JSON.
 */
public final class Snapshotters {
    public static final long CHAIN_ID = 31337;
    public static final String PROTOCOL_STATE = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
    public static final String MARKET = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";
    public static final Eip712Domain DOMAIN = new Eip712Domain(CHAIN_ID, PROTOCOL_STATE);

    private Snapshotters() {}

    /** The private key of the snapshotter that owns {@code slot} in tests. */
    public static byte[] key(long slot) {
        return Keccak256.hash(("snapshotter-" + slot).getBytes(StandardCharsets.UTF_8));
    }

    public static String address(long slot) {
        return Secp256k1.addressOf(key(slot));
    }

    /** A deterministic submission ID. */
    public static String id(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Go JSON of a submission for {@code slot}, signed with {@code signerKey}. */
    public static String json(
            byte[] signerKey, long slot, long epoch, String project, String cid, long deadline, String market) {
        Request r = new Request(slot, deadline, cid, epoch, project);
        byte[] sig = Secp256k1.sign(signerKey, Eip712.digest(DOMAIN, r));
        SnapshotSubmission s = new SnapshotSubmission(r, Hex.encode(sig), "0x" + "ab".repeat(32), market, "v0.9.0");
        return new String(SubmissionCodec.toGoJson(s), StandardCharsets.UTF_8);
    }

    /** A record of the submissions topic as the bridge writes it, signed by the slot's own key. */
    public static CollectedRecord collected(
            String id, long slot, long epoch, String project, String cid, long receivedAt) {
        return new CollectedRecord(
                CollectedRecord.Kind.SUBMISSION,
                id,
                "12D3KooWTest",
                receivedAt,
                json(key(slot), slot, epoch, project, cid, 1_000_000, MARKET),
                0,
                0,
                null);
    }

    /** An already verified submission, for stages after verify. */
    public static SignedSubmission signed(
            String id, long slot, long epoch, String project, String cid, long receivedAt) {
        return new SignedSubmission(
                id,
                "12D3KooWTest",
                receivedAt,
                MARKET,
                slot,
                epoch,
                project,
                cid,
                1_000_000,
                address(slot),
                io.powerloom.sequencer.protocol.json.Utf8Json.quote(
                        ("{\"request\":{\"slotId\":\"" + slot + "\",\"epochId\":\"" + epoch + "\",\"projectId\":\""
                                        + project + "\",\"snapshotCid\":\"" + cid + "\"}}")
                                .getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The copy of {@code e} that gossipsub neighbour {@code c} (1, 2, ...) delivers 3 c ms after it, as the bridge
     * records a submission heard by gossip: origin gossipsub, that neighbour as peer, a message id made unique by
     * {@code seq}.
     */
    public static SubmissionEnvelope gossipCopy(SubmissionEnvelope e, int seq, int c) {
        String messageId = "0024080112" + Integer.toHexString(seq) + "0" + c;
        return new SubmissionEnvelope(
                messageId,
                "12D3KooWGossipNeighbour" + c,
                e.receivedAtMs() + 3L * c,
                e.bridgeId(),
                e.submission(),
                SubmissionEnvelope.ORIGIN_GOSSIPSUB,
                messageId);
    }
}
