package io.powerloom.sequencer.chain.commit;

/**
 * What a batch commit costs, learned from the client's own estimates and receipts (an estimate is at least the gas
 * the commit then uses), so that commits after the first need no
 * {@code eth_estimateGas} (which makes the node execute the whole batch, often several times, before it is sent).
 *
 * <p>A batch stores each project's ID and CID, so its gas grows with the strings it carries: the model keeps the
 * highest gas per calldata byte seen in a successful batch commit, and gives a batch of {@code n} calldata bytes
 * the limit ({@value CommitClientConfig#BATCH_BASE_GAS} + highest rate × n) × the gas-limit multiplier. The base covers
 * a small batch whose fixed costs weigh more than a big one's; the highest rate only ever grows, so the limit errs on
 * the high side. A commit that reverts anyway is estimated on its next round, as before, and its reason learned.
 *
 * <p>Thread-safe; one model per client, shared by its signers.
 */
final class GasModel {
    private final double multiplier;
    private double gasPerByte; // 0 = nothing learned yet

    GasModel(double multiplier) {
        this.multiplier = multiplier;
    }

    /** A gas limit for a batch commit with {@code calldataBytes} of calldata, or -1 while nothing is learned. */
    synchronized long limit(int calldataBytes) {
        if (gasPerByte == 0) {
            return -1;
        }
        return (long) Math.ceil((CommitClientConfig.BATCH_BASE_GAS + gasPerByte * calldataBytes) * multiplier);
    }

    /**
     * Learns from a batch commit: {@code gasUsed} (mined) or estimated for {@code calldataBytes} of calldata.
     */
    synchronized void observe(long gasUsed, int calldataBytes) {
        if (gasUsed <= 0 || calldataBytes <= 0) {
            return;
        }
        gasPerByte = Math.max(gasPerByte, (double) gasUsed / calldataBytes);
    }

    /** Bytes of calldata of a {@code 0x…} hex string. */
    static int calldataBytes(String hexData) {
        int digits = hexData.startsWith("0x") ? hexData.length() - 2 : hexData.length();
        return digits / 2;
    }
}
