package io.powerloom.sequencer.chain;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How {@link ProtocolStateDeployer} sets up one data market on the protocol-state contract.
 *
 * @param dataMarket               the data market's address (a key; no contract needs to live there)
 * @param epochSize                source-chain blocks per epoch, 1..255 ({@code EPOCH_SIZE})
 * @param snapshotSubmissionWindow snapshot submission window (seconds, read by the sequencer)
 * @param batchSubmissionWindow    blocks of the protocol chain after an epoch's release in which batches count
 * @param epochManager             the account allowed to release epochs
 * @param sequencers               the accounts allowed to submit batches
 */
public record DataMarketConfig(
        String dataMarket,
        int epochSize,
        long snapshotSubmissionWindow,
        long batchSubmissionWindow,
        String epochManager,
        List<String> sequencers) {
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");

    /** Validates every field; throws {@link IllegalArgumentException} naming the bad one. */
    public DataMarketConfig {
        requireAddress("dataMarket", dataMarket);
        requireAddress("epochManager", epochManager);
        if (epochSize < 1 || epochSize > 255) {
            throw new IllegalArgumentException("epochSize must be 1..255 (uint8 on chain), got " + epochSize);
        }
        if (snapshotSubmissionWindow < 0 || batchSubmissionWindow < 0) {
            throw new IllegalArgumentException("submission windows must not be negative");
        }
        Objects.requireNonNull(sequencers, "sequencers");
        sequencers.forEach(s -> requireAddress("sequencer", s));
        sequencers = List.copyOf(sequencers);
    }

    private static void requireAddress(String field, String value) {
        if (value == null || !ADDRESS.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be a 0x-prefixed 20-byte hex address, got " + value);
        }
    }
}
