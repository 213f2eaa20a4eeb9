package io.powerloom.sequencer.bridge.chain;

import io.powerloom.sequencer.protocol.records.AccountingParameterUpdated;
import io.powerloom.sequencer.protocol.records.ChainBlock;
import io.powerloom.sequencer.protocol.records.ChainTopicRecord;
import io.powerloom.sequencer.protocol.records.DayStarted;
import io.powerloom.sequencer.protocol.records.EpochReleased;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the watcher remembers of the recent chain: the hash of each of the last {@code depth} processed blocks, the
 * epoch releases written for them and not retracted, and the slots changed in them. It is exactly what the topics
 * hold (rebuilt from them at start, see {@link ChainTopicRecovery}), and it is what a reorg needs: where the fork is,
 * what to retract, which slots to re-read.
 */
final class WatcherState {
    private final int depth;
    private final TreeMap<Long, String> hashes = new TreeMap<>();
    /** Live epoch releases by (blockHash, logIndex), in write order. */
    private final Map<String, EpochReleased> liveEpochs = new LinkedHashMap<>();

    private final TreeMap<Long, Set<Long>> slotsByBlock = new TreeMap<>();
    /** Live day starts and accounting parameter changes by (blockHash, logIndex), in write order. */
    private final Map<String, ChainTopicRecord> liveAccounting = new LinkedHashMap<>();

    WatcherState(int depth) {
        this.depth = depth;
    }

    /** The last processed block, or null before the first. */
    Long lastProcessed() {
        return hashes.isEmpty() ? null : hashes.lastKey();
    }

    /** Hash of a remembered block, or null. */
    String hash(long number) {
        return hashes.get(number);
    }

    /** The remembered block numbers, newest first. */
    List<Long> rememberedNewestFirst() {
        return new ArrayList<>(hashes.descendingKeySet());
    }

    /** Oldest remembered block number, or null. */
    Long oldest() {
        return hashes.isEmpty() ? null : hashes.firstKey();
    }

    void apply(ChainBlock block) {
        hashes.put(block.number(), block.hash());
        while (hashes.size() > depth) {
            long gone = hashes.pollFirstEntry().getKey();
            slotsByBlock.headMap(gone, true).clear();
            liveEpochs.values().removeIf(e -> e.blockNumber() <= gone);
            liveAccounting.values().removeIf(r -> blockOf(r) <= gone);
        }
    }

    void apply(DayStarted d) {
        String key = d.blockHash() + "/" + d.logIndex();
        if (d.removed()) {
            liveAccounting.remove(key);
        } else {
            liveAccounting.put(key, d);
        }
    }

    void apply(AccountingParameterUpdated a) {
        String key = a.blockHash() + "/" + a.logIndex();
        if (a.removed()) {
            liveAccounting.remove(key);
        } else {
            liveAccounting.put(key, a);
        }
    }

    /** Live day starts and parameter changes in blocks after {@code fork} (orphaned by a reorg at {@code fork}). */
    List<ChainTopicRecord> accountingAfter(long fork) {
        return liveAccounting.values().stream().filter(r -> blockOf(r) > fork).toList();
    }

    private static long blockOf(ChainTopicRecord r) {
        if (r instanceof DayStarted d) {
            return d.blockNumber();
        }
        return ((AccountingParameterUpdated) r).blockNumber();
    }

    void apply(EpochReleased e) {
        String key = e.blockHash() + "/" + e.logIndex();
        if (e.removed()) {
            liveEpochs.remove(key);
        } else {
            liveEpochs.put(key, e);
        }
    }

    void slotChanged(long blockNumber, long slotId) {
        slotsByBlock.computeIfAbsent(blockNumber, b -> new HashSet<>()).add(slotId);
    }

    /** Live epoch releases in blocks after {@code fork} (they are orphaned by a reorg at {@code fork}). */
    List<EpochReleased> epochsAfter(long fork) {
        return liveEpochs.values().stream().filter(e -> e.blockNumber() > fork).toList();
    }

    /** Slots changed in blocks after {@code fork}. */
    Set<Long> slotsAfter(long fork) {
        Set<Long> out = new HashSet<>();
        slotsByBlock.tailMap(fork, false).values().forEach(out::addAll);
        return out;
    }

    /**
     * Forgets the hashes and slot changes of blocks after {@code number} but keeps epoch releases, which only
     * retractions remove (recovery: a block marker at or below the last one follows a reorg whose retractions and new
     * releases are already applied).
     */
    void rewindHashesAfter(long number) {
        hashes.tailMap(number, false).clear();
        slotsByBlock.tailMap(number, false).clear();
    }

    /** Forgets blocks after {@code fork} (after their retractions are written). */
    void truncateAfter(long fork) {
        NavigableMap<Long, String> tail = hashes.tailMap(fork, false);
        tail.clear();
        slotsByBlock.tailMap(fork, false).clear();
        liveEpochs.values().removeIf(e -> e.blockNumber() > fork);
        liveAccounting.values().removeIf(r -> blockOf(r) > fork);
    }
}
