package io.powerloom.sequencer.protocol.cid;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A content identifier (CID), and the computation of the CIDv1 that IPFS gives to single-block
 * content added with raw leaves: {@code "b" + base32(0x01 0x55 0x12 0x20 ‖ sha256(content))},
 * i.e. {@code bafkrei…}.
 *
 * <p>{@link #parse} understands CIDv0 ({@code Qm…}, base58btc sha2-256 dag-pb) and CIDv1 in
 * multibase base32 lower case ({@code b…}, the form Kubo and Helia print).
 *
 * @param version       0 or 1
 * @param codec         multicodec of the content (0x55 raw, 0x70 dag-pb, 0x71 dag-cbor, ...)
 * @param multihashCode the hash function's multicodec (0x12 = sha2-256)
 * @param digest        the hash digest
 */
public record Cid(int version, long codec, long multihashCode, byte[] digest) implements java.io.Serializable {

    /** Multicodec: raw binary. */
    public static final long RAW = 0x55;
    /** Multicodec: MerkleDAG protobuf. */
    public static final long DAG_PB = 0x70;
    /** Multihash: sha2-256. */
    public static final long SHA2_256 = 0x12;

    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
    private static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    public Cid {
        if (version != 0 && version != 1) {
            throw new IllegalArgumentException("CID version must be 0 or 1");
        }
        digest = digest.clone();
    }

    /** The CIDv1 (raw codec, sha2-256, base32 lower) of single-block content. */
    public static String rawLeavesV1(byte[] content) {
        return new Cid(1, RAW, SHA2_256, sha256(content)).toString();
    }

    /**
     * Parses and validates a CID string.
     *
     * @throws CidFormatException with the reason when it is not a valid CID
     */
    public static Cid parse(String text) throws CidFormatException {
        if (text == null || text.isEmpty()) {
            throw new CidFormatException("empty CID");
        }
        if (text.length() == 46 && text.startsWith("Qm")) {
            byte[] mh = base58Decode(text);
            Multihash m = readMultihash(mh, 0, text);
            if (m.code != SHA2_256 || m.end != mh.length) {
                throw new CidFormatException("CIDv0 must be a bare sha2-256 multihash: " + text);
            }
            return new Cid(0, DAG_PB, SHA2_256, m.digest);
        }
        if (text.charAt(0) != 'b') {
            throw new CidFormatException("unsupported multibase prefix '" + text.charAt(0)
                    + "' (only base32 lower 'b' CIDv1 and base58 Qm CIDv0): " + text);
        }
        byte[] bytes = base32Decode(text.substring(1), text);
        long[] pos = {0};
        long version = readVarint(bytes, pos, text);
        if (version != 1) {
            throw new CidFormatException("CID version " + version + " is not supported: " + text);
        }
        long codec = readVarint(bytes, pos, text);
        Multihash m = readMultihash(bytes, (int) pos[0], text);
        if (m.end != bytes.length) {
            throw new CidFormatException("trailing bytes after the multihash: " + text);
        }
        return new Cid(1, codec, m.code, m.digest);
    }

    /** True when {@code text} parses as a CID. */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (CidFormatException e) {
            return false;
        }
    }

    /** The canonical string: base58btc for v0, multibase base32 lower for v1. */
    @Override
    public String toString() {
        ByteArrayOutputStream mh = new ByteArrayOutputStream();
        writeVarint(mh, multihashCode);
        writeVarint(mh, digest.length);
        mh.writeBytes(digest);
        if (version == 0) {
            return base58Encode(mh.toByteArray());
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        writeVarint(b, 1);
        writeVarint(b, codec);
        b.writeBytes(mh.toByteArray());
        return "b" + base32Encode(b.toByteArray());
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cid c
                && c.version == version
                && c.codec == codec
                && c.multihashCode == multihashCode
                && Arrays.equals(c.digest, digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest) * 31 + (int) codec + version;
    }

    static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Multihash(long code, byte[] digest, int end) {}

    private static Multihash readMultihash(byte[] b, int start, String text) throws CidFormatException {
        long[] pos = {start};
        long code = readVarint(b, pos, text);
        long len = readVarint(b, pos, text);
        int p = (int) pos[0];
        if (len > b.length - p) {
            throw new CidFormatException("multihash digest is truncated: " + text);
        }
        if (code == SHA2_256 && len != 32) {
            throw new CidFormatException("sha2-256 digest must be 32 bytes, got " + len + ": " + text);
        }
        return new Multihash(code, Arrays.copyOfRange(b, p, p + (int) len), p + (int) len);
    }

    private static long readVarint(byte[] b, long[] pos, String text) throws CidFormatException {
        long value = 0;
        for (int shift = 0; shift < 63; shift += 7) {
            int p = (int) pos[0];
            if (p >= b.length) {
                throw new CidFormatException("truncated varint: " + text);
            }
            int x = b[p] & 0xFF;
            pos[0] = p + 1;
            value |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                if (x == 0 && shift > 0) {
                    throw new CidFormatException("non-minimal varint: " + text);
                }
                return value;
            }
        }
        throw new CidFormatException("varint too long: " + text);
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    static String base32Encode(byte[] data) {
        StringBuilder sb = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte x : data) {
            buffer = (buffer << 8) | (x & 0xFF);
            bits += 8;
            while (bits >= 5) {
                sb.append(BASE32.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(BASE32.charAt((buffer << (5 - bits)) & 31));
        }
        return sb.toString();
    }

    static byte[] base32Decode(String s, String text) throws CidFormatException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < s.length(); i++) {
            int v = BASE32.indexOf(s.charAt(i));
            if (v < 0) {
                throw new CidFormatException("character '" + s.charAt(i) + "' is not base32 lower: " + text);
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xFF);
                bits -= 8;
            }
        }
        if (bits >= 5 || (buffer & ((1 << bits) - 1)) != 0) {
            throw new CidFormatException("non-canonical base32 padding bits: " + text);
        }
        return out.toByteArray();
    }

    static String base58Encode(byte[] data) {
        BigInteger n = new BigInteger(1, data);
        StringBuilder sb = new StringBuilder();
        BigInteger radix = BigInteger.valueOf(58);
        while (n.signum() > 0) {
            BigInteger[] qr = n.divideAndRemainder(radix);
            sb.append(BASE58.charAt(qr[1].intValue()));
            n = qr[0];
        }
        for (int i = 0; i < data.length && data[i] == 0; i++) {
            sb.append('1');
        }
        return sb.reverse().toString();
    }

    static byte[] base58Decode(String s) throws CidFormatException {
        BigInteger n = BigInteger.ZERO;
        BigInteger radix = BigInteger.valueOf(58);
        int zeros = 0;
        while (zeros < s.length() && s.charAt(zeros) == '1') {
            zeros++;
        }
        for (int i = 0; i < s.length(); i++) {
            int v = BASE58.indexOf(s.charAt(i));
            if (v < 0) {
                throw new CidFormatException("character '" + s.charAt(i) + "' is not base58btc: " + s);
            }
            n = n.multiply(radix).add(BigInteger.valueOf(v));
        }
        byte[] raw = n.signum() == 0 ? new byte[0] : n.toByteArray();
        int skip = raw.length > 0 && raw[0] == 0 ? 1 : 0;
        byte[] out = new byte[zeros + raw.length - skip];
        System.arraycopy(raw, skip, out, zeros, raw.length - skip);
        return out;
    }
}
