package io.powerloom.sequencer.protocol.crypto;

import io.powerloom.sequencer.protocol.wire.Request;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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

    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Length of the encoded struct: typehash and five 32-byte members. */
    private static final int STRUCT_LENGTH = 6 * 32;
    /** Length of the digest's preimage: 0x19 0x01, domain separator, struct hash. */
    private static final int MESSAGE_LENGTH = 2 + 32 + 32;

    private Eip712() {}

    /** The 32-byte digest to sign/recover for {@code request} under {@code domain}. */
    public static byte[] digest(Eip712Domain domain, Request request) {
        byte[] separator = Eip712Domain.Separators.of(domain);
        byte[] buf = new byte[STRUCT_LENGTH];
        encodeStruct(request, buf);
        // the message overwrites the start of the struct encoding once that has been hashed
        Keccak256.hash(buf, 0, STRUCT_LENGTH, buf, 2 + 32);
        buf[0] = 0x19;
        buf[1] = 0x01;
        System.arraycopy(separator, 0, buf, 2, 32);
        byte[] out = new byte[32];
        Keccak256.hash(buf, 0, MESSAGE_LENGTH, out, 0);
        return out;
    }

    /** {@code hashStruct(EIPRequest)}. */
    public static byte[] hashStruct(Request r) {
        byte[] buf = new byte[STRUCT_LENGTH];
        encodeStruct(r, buf);
        return Keccak256.hash(buf, 0, STRUCT_LENGTH);
    }

    /**
     * {@code typeHash ‖ encodeData(r)} into {@code buf[0..192)}, which must be zero-filled (the uint256
     * members are only written in their low 8 bytes).
     */
    private static void encodeStruct(Request r, byte[] buf) {
        System.arraycopy(REQUEST_TYPEHASH, 0, buf, 0, 32);
        LONG_BE.set(buf, 32 + 24, r.slotId());
        LONG_BE.set(buf, 64 + 24, r.deadline());
        byte[] cid = r.snapshotCid().getBytes(StandardCharsets.UTF_8);
        Keccak256.hash(cid, 0, cid.length, buf, 96);
        LONG_BE.set(buf, 128 + 24, r.epochId());
        byte[] project = r.projectId().getBytes(StandardCharsets.UTF_8);
        Keccak256.hash(project, 0, project.length, buf, 160);
    }

    /** 32-byte big-endian encoding of an unsigned 64-bit value. */
    static byte[] uint256(long unsigned) {
        byte[] out = new byte[32];
        LONG_BE.set(out, 24, unsigned);
        return out;
    }
}
