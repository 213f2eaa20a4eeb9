package io.powerloom.sequencer.protocol.crypto;

import io.powerloom.sequencer.protocol.wire.Request;
import java.nio.charset.StandardCharsets;

/**
 * The EIP-712 digest a snapshotter signs (SPEC §2): {@code keccak256(0x19 0x01 ‖ domainSeparator ‖
 * hashStruct(request))} with primary type {@value #REQUEST_TYPE}. The uint64 fields of the request
 * are unsigned and widened to uint256.
 */
public final class Eip712 {

    /** The EIP-712 type string of the signed request. */
    public static final String REQUEST_TYPE =
            "EIPRequest(uint256 slotId,uint256 deadline,string snapshotCid,uint256 epochId,string projectId)";

    private static final byte[] REQUEST_TYPEHASH = Keccak256.hash(REQUEST_TYPE.getBytes(StandardCharsets.US_ASCII));
    private static final byte[] PREFIX = {0x19, 0x01};

    private Eip712() {
    }

    /** The 32-byte digest to sign/recover for {@code request} under {@code domain}. */
    public static byte[] digest(Eip712Domain domain, Request request) {
        return Keccak256.hash(PREFIX, Eip712Domain.Separators.of(domain), hashStruct(request));
    }

    /** {@code hashStruct(EIPRequest)}. */
    public static byte[] hashStruct(Request r) {
        return Keccak256.hash(REQUEST_TYPEHASH,
                uint256(r.slotId()),
                uint256(r.deadline()),
                Keccak256.hash(r.snapshotCid().getBytes(StandardCharsets.UTF_8)),
                uint256(r.epochId()),
                Keccak256.hash(r.projectId().getBytes(StandardCharsets.UTF_8)));
    }

    /** 32-byte big-endian encoding of an unsigned 64-bit value. */
    static byte[] uint256(long unsigned) {
        byte[] out = new byte[32];
        for (int i = 0; i < 8; i++) {
            out[31 - i] = (byte) (unsigned >>> (8 * i));
        }
        return out;
    }
}
