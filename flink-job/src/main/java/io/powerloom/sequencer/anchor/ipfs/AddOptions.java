package io.powerloom.sequencer.anchor.ipfs;

import java.io.Serializable;

/**
 * Parameters of Kubo's {@code /api/v0/add}: CID version, raw leaves, pinning, fixed-size chunker and hash function.
 *
 * @param cidVersion 0 or 1 ({@code cid-version})
 * @param rawLeaves  leaves as raw blocks rather than UnixFS protobuf nodes ({@code raw-leaves})
 * @param pin        pin the added content ({@code pin})
 * @param chunkSize  bytes per leaf, 1 to {@value #MAX_CHUNK_SIZE} ({@code chunker=size-N})
 * @param hash       multihash function name, e.g. {@code sha2-256} ({@code hash})
 */
public record AddOptions(int cidVersion, boolean rawLeaves, boolean pin, int chunkSize, String hash)
        implements Serializable {

    /** The largest chunk Kubo accepts, 1 MiB: content up to this size is one block. */
    public static final int MAX_CHUNK_SIZE = 1024 * 1024;

    /** Validates the parameters. */
    public AddOptions {
        if (cidVersion != 0 && cidVersion != 1) {
            throw new IllegalArgumentException("cidVersion must be 0 or 1, got " + cidVersion);
        }
        if (cidVersion == 0 && rawLeaves) {
            throw new IllegalArgumentException("raw leaves need CIDv1");
        }
        if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunkSize must be 1.." + MAX_CHUNK_SIZE + ", got " + chunkSize);
        }
        if (hash == null || !hash.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("hash must be a multihash name like sha2-256, got " + hash);
        }
    }

    /**
     * What the sequencer uploads with: CIDv1, raw leaves, pinned, 1 MiB chunks, sha2-256, so that content up to
     * 1 MiB gets the single-block CID {@code bafkrei…} that {@code Cid.rawLeavesV1} computes.
     */
    public static AddOptions rawLeavesV1() {
        return new AddOptions(1, true, true, MAX_CHUNK_SIZE, "sha2-256");
    }

    /** The same options with {@code pin} set as given. */
    public AddOptions withPin(boolean pin) {
        return new AddOptions(cidVersion, rawLeaves, pin, chunkSize, hash);
    }

    /** The URL query of {@code /api/v0/add}, e.g. {@code cid-version=1&raw-leaves=true&pin=true&chunker=size-1048576&hash=sha2-256}. */
    public String toQuery() {
        return "cid-version=" + cidVersion + "&raw-leaves=" + rawLeaves + "&pin=" + pin + "&chunker=size-" + chunkSize
                + "&hash=" + hash;
    }
}
