package io.powerloom.sequencer.protocol.wire;

import java.util.Objects;

/**
 * A snapshot submission as a snapshotter's local collector sends it (proto message
 * {@code SnapshotSubmission}, SPEC §1).
 *
 * @param request     the signed request, never null
 * @param signature   hex of r‖s‖v (65 bytes), usually without {@code 0x}; never null ("" when absent)
 * @param header      hash of a recent protocol-chain block; never null ("" when absent)
 * @param dataMarket  the data market contract address as sent; never null ("" when absent)
 * @param nodeVersion the node's version, or {@code null} when the optional field is not set
 */
public record SnapshotSubmission(
        Request request, String signature, String header, String dataMarket, String nodeVersion)
        implements java.io.Serializable {

    public SnapshotSubmission {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(dataMarket, "dataMarket");
    }

    /** True for a simulation submission: {@code epochId} is 0 (or was absent). */
    public boolean isSimulation() {
        return request.epochId() == 0;
    }
}
