package io.powerloom.sequencer.query.state;

import java.util.Locale;

/**
 * Layout of the keys of the routed topic and of the two stores.
 *
 * <p>Every fact is routed by a <em>partition key</em>, which decides the instance that holds it:
 * <ul>
 *   <li>{@code E|<market>|<epoch>}: everything about one epoch of a market (its release, projects, batches, and
 *       each submission with its fate, filed by slot);</li>
 *   <li>{@code S|<slot>}: one slot across epochs (last simulated and last real submission, per-day counts and
 *       discarded submissions);</li>
 *   <li>{@code D|<market>|<day>}: one day of a market (eligible nodes, each slot's count);</li>
 *   <li>{@code M|<market>}: the market (latest epoch and day);</li>
 *   <li>{@code G|global}: input that names no epoch (bridge rejects, undecodable records).</li>
 * </ul>
 * Numbers are zero-padded to 20 digits (unsigned), so that keys sort by number. The summaries store holds one value
 * per partition key; the details store holds {@code <partition key>|<sub key>} entries, read by prefix.
 */
public final class Keys {
    public static final String GLOBAL = "G|global";

    private Keys() {}

    public static String num(long unsigned) {
        String s = Long.toUnsignedString(unsigned);
        return "0".repeat(20 - s.length()) + s;
    }

    public static String market(String m) {
        return m == null ? "" : m.toLowerCase(Locale.ROOT);
    }

    public static String epoch(String market, long epoch) {
        return "E|" + market(market) + "|" + num(epoch);
    }

    public static String slot(long slot) {
        return "S|" + num(slot);
    }

    public static String day(String market, long day) {
        return "D|" + market(market) + "|" + num(day);
    }

    public static String marketKey(String market) {
        return "M|" + market(market);
    }

    /**
     * The partition of the routed topic (and so of the stores) that holds {@code partitionKey}: what Kafka's
     * producer picks for a keyed record without a partitioner (murmur2 of the UTF-8 key), so that a read can go
     * straight to one partition's store.
     */
    public static int partition(String partitionKey, int partitions) {
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
                        partitionKey.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                % partitions;
    }

    /** {@code <partition key>|<sub key>}. */
    public static String detail(String partitionKey, String sub) {
        return partitionKey + "|" + sub;
    }
}
