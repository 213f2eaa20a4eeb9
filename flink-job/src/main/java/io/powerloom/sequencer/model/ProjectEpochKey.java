package io.powerloom.sequencer.model;

import java.util.Objects;

/**
 * The key of one project's window in one epoch, {@code (market, epoch, project)}, or of a whole epoch of a market,
 * {@code (market, epoch)} with no project: the one place that builds and parses its string form.
 *
 * <p>The keyed stages key by that string ({@code keyBy(k -> ProjectEpochKey.of(...).encode(),
 * KeyStringSerializer.TYPE_INFO)}), and so do the finalize stage's broadcast releases and the finalized and batches
 * topics' Kafka keys: {@code market|epoch|project} and {@code market|epoch}, the epoch unsigned decimal. The string is
 * what Flink hashes into key groups and what savepoints hold, so its bytes never change. Market addresses and epochs
 * hold no bar; a project ID may, so parsing splits at the first two bars only.
 *
 * @param dataMarket market address (lower case)
 * @param epochId    epoch, an unsigned 64-bit number
 * @param projectId  project ID, or {@code null} for the key of the whole epoch
 */
public record ProjectEpochKey(String dataMarket, long epochId, String projectId) {
    private static final char BAR = '|';

    public ProjectEpochKey {
        Objects.requireNonNull(dataMarket, "dataMarket");
    }

    /** The key of one project's window: {@code market|epoch|project}. */
    public static ProjectEpochKey of(String dataMarket, long epochId, String projectId) {
        return new ProjectEpochKey(dataMarket, epochId, Objects.requireNonNull(projectId, "projectId"));
    }

    /** The key of a submission's project window. */
    public static ProjectEpochKey of(SignedSubmission s) {
        return of(s.dataMarket(), s.epochId(), s.projectId());
    }

    /** The key of a decided project's window. */
    public static ProjectEpochKey of(ProjectEpochResult r) {
        return of(r.dataMarket(), r.epochId(), r.projectId());
    }

    /** The key of a whole epoch of a market: {@code market|epoch}. */
    public static ProjectEpochKey ofEpoch(String dataMarket, long epochId) {
        return new ProjectEpochKey(dataMarket, epochId, null);
    }

    /** Whether this is the key of a whole epoch (no project). */
    public boolean isEpoch() {
        return projectId == null;
    }

    /** The key of the epoch this project window belongs to. */
    public ProjectEpochKey epoch() {
        return isEpoch() ? this : ofEpoch(dataMarket, epochId);
    }

    /** The string form Flink keys by: {@code market|epoch|project}, or {@code market|epoch} for a whole epoch. */
    public String encode() {
        String epoch = dataMarket + BAR + Long.toUnsignedString(epochId);
        return isEpoch() ? epoch : epoch + BAR + projectId;
    }

    /**
     * The key {@link #encode()} wrote: {@code market|epoch} or {@code market|epoch|project}.
     *
     * @throws IllegalArgumentException if {@code key} is not of that form
     */
    public static ProjectEpochKey parse(String key) {
        int bar = key.indexOf(BAR);
        if (bar < 0) {
            throw new IllegalArgumentException("not a market|epoch key: " + key);
        }
        int bar2 = key.indexOf(BAR, bar + 1);
        String market = key.substring(0, bar);
        try {
            if (bar2 < 0) {
                return ofEpoch(market, Long.parseUnsignedLong(key.substring(bar + 1)));
            }
            return of(market, Long.parseUnsignedLong(key.substring(bar + 1, bar2)), key.substring(bar2 + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a market|epoch key: " + key, e);
        }
    }

    @Override
    public String toString() {
        return encode();
    }
}
