package io.powerloom.sequencer.protocol.crypto;

import java.nio.charset.StandardCharsets;

/**
 * The EIP-712 domain of the Powerloom protocol-state contract (SPEC §2): name
 * {@value #NAME}, version {@value #VERSION}, the protocol chain's id and the contract address.
 *
 * @param chainId           the protocol chain's id (treated as unsigned)
 * @param verifyingContract the protocol-state contract address, 0x + 40 hex digits (any case)
 */
public record Eip712Domain(long chainId, String verifyingContract) implements java.io.Serializable {

    public static final String NAME = "PowerloomProtocolContract";
    public static final String VERSION = "0.1";

    static final byte[] DOMAIN_TYPEHASH =
            Keccak256.hash("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                    .getBytes(StandardCharsets.US_ASCII));

    public Eip712Domain {
        if (verifyingContract == null || verifyingContract.length() != 42 || !Hex.hasPrefix(verifyingContract)) {
            throw new IllegalArgumentException("verifyingContract must be 0x + 40 hex digits: " + verifyingContract);
        }
        Hex.decode(verifyingContract); // validates the digits
        verifyingContract = verifyingContract.toLowerCase(java.util.Locale.ROOT);
    }

    /** The 32-byte domain separator (cached per instance; the returned array is a copy). */
    public byte[] separator() {
        return Separators.of(this).clone();
    }

    /**
     * Cache of computed separators, so the hot path does not rehash per submission. A job uses one
     * domain, so the last domain looked up is kept in front of the map: a hit costs a reference compare
     * (or, for an equal domain deserialized into another instance, a long and a 42-char string compare)
     * instead of the record's hashCode/equals and a map probe.
     */
    static final class Separators {
        private static final java.util.concurrent.ConcurrentHashMap<Eip712Domain, byte[]> CACHE =
                new java.util.concurrent.ConcurrentHashMap<>();

        /** Immutable (final fields), so a racy read of {@link #last} always sees a complete entry. */
        private record Last(Eip712Domain domain, byte[] separator) {}

        private static Last last;

        static byte[] of(Eip712Domain d) {
            Last l = last;
            if (l != null) {
                Eip712Domain ld = l.domain;
                if (ld == d || (ld.chainId == d.chainId && ld.verifyingContract.equals(d.verifyingContract))) {
                    return l.separator;
                }
            }
            byte[] s = CACHE.get(d);
            if (s == null) {
                if (CACHE.size() > 1024) {
                    CACHE.clear();
                }
                s = CACHE.computeIfAbsent(d, Separators::compute);
            }
            last = new Last(d, s);
            return s;
        }

        private static byte[] compute(Eip712Domain d) {
            byte[] address = new byte[32];
            System.arraycopy(Hex.decode(d.verifyingContract()), 0, address, 12, 20);
            return Keccak256.hash(
                    DOMAIN_TYPEHASH,
                    Keccak256.hash(NAME.getBytes(StandardCharsets.UTF_8)),
                    Keccak256.hash(VERSION.getBytes(StandardCharsets.UTF_8)),
                    Eip712.uint256(d.chainId()),
                    address);
        }
    }
}
