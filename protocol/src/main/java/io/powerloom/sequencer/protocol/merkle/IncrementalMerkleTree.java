package io.powerloom.sequencer.protocol.merkle;

import io.powerloom.sequencer.protocol.crypto.Hex;
import io.powerloom.sequencer.protocol.crypto.Keccak256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The incremental Merkle tree of SPEC §6: height {@value #HEIGHT}, SHA-256 nodes, leaf digest
 * {@code sha256(utf8(item))}, leaves appended in order, a missing right sibling at level L is the
 * zero digest z[L] ({@code z[0]} = 32 zero bytes, {@code z[i] = sha256(z[i-1] ‖ z[i-1])}). The
 * reported root is {@code keccak256(rootDigest)} as {@code 0x}-hex.
 *
 * <p>Only the frontier (one pending left node per level) is kept: {@link #append} and
 * {@link #rootHex()} are O(height). The empty tree's root digest is z[32]. Not thread-safe.
 */
public final class IncrementalMerkleTree {

    /** Number of pairing steps from a leaf to the root. */
    public static final int HEIGHT = 32;
    /** Largest number of leaves (2^32). */
    public static final long CAPACITY = 1L << HEIGHT;

    private static final byte[][] ZEROS = new byte[HEIGHT + 1][];

    static {
        ZEROS[0] = new byte[32];
        MessageDigest d = sha256();
        for (int i = 1; i <= HEIGHT; i++) {
            d.update(ZEROS[i - 1]);
            d.update(ZEROS[i - 1]);
            ZEROS[i] = d.digest();
        }
    }

    private final byte[][] frontier = new byte[HEIGHT][];
    private final MessageDigest sha = sha256();
    private long size;

    /** Appends one item (its UTF-8 bytes are hashed into the leaf). */
    public void append(String item) {
        if (size >= CAPACITY) {
            throw new IllegalStateException("tree is full (2^32 leaves)");
        }
        byte[] node = sha.digest(item.getBytes(StandardCharsets.UTF_8));
        long index = size;
        for (int level = 0; level < HEIGHT; level++) {
            if ((index & 1) == 0) {
                frontier[level] = node; // waits for its right sibling
                break;
            }
            node = pair(frontier[level], node);
            index >>= 1;
        }
        size++;
    }

    /** Number of leaves appended (at most 2^32, so an int only up to 2^31-1; see {@link #longSize()}). */
    public int size() {
        return (int) Math.min(size, Integer.MAX_VALUE);
    }

    /** Number of leaves appended. */
    public long longSize() {
        return size;
    }

    /** The 32-byte SHA-256 root digest. */
    public byte[] rootDigest() {
        byte[] node = ZEROS[0];
        long index = size;
        // Walk up from the position of the next (absent) leaf: at each level the current node is
        // either a right child (its left sibling is in the frontier) or a left child with a zero
        // right sibling. Starting from z[0] at the first empty position gives z[L] on empty subtrees.
        boolean empty = true;
        for (int level = 0; level < HEIGHT; level++) {
            if ((index & 1) == 1) {
                node = pair(frontier[level], empty ? ZEROS[level] : node);
                empty = false;
            } else if (!empty) {
                node = pair(node, ZEROS[level]);
            }
            index >>= 1;
        }
        return empty ? ZEROS[HEIGHT].clone() : node;
    }

    /** {@code 0x} + hex of {@code keccak256(rootDigest)}. */
    public String rootHex() {
        return Hex.encode0x(Keccak256.hash(rootDigest()));
    }

    /** The reported root of a tree over {@code items} in order. */
    public static String rootHex(List<String> items) {
        IncrementalMerkleTree t = new IncrementalMerkleTree();
        for (String s : items) {
            t.append(s);
        }
        return t.rootHex();
    }

    /** z[level], for tests. */
    static byte[] zero(int level) {
        return ZEROS[level].clone();
    }

    private byte[] pair(byte[] left, byte[] right) {
        sha.update(left);
        sha.update(right);
        return sha.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
