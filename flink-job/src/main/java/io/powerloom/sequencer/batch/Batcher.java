package io.powerloom.sequencer.batch;

import io.powerloom.sequencer.model.ProjectEpochResult;
import io.powerloom.sequencer.protocol.batch.BatchDocument;
import io.powerloom.sequencer.protocol.cid.Cid;
import io.powerloom.sequencer.protocol.merkle.IncrementalMerkleTree;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Cuts one epoch's finalized projects into batches, deterministically: projects sorted by ID, {@code batchSize}
 * projects per batch, batches numbered in that order; a batch whose document would exceed {@code maxDocumentBytes}
 * (one IPFS block) is halved until it fits (decided from the documents' exact lengths before any is built). The same finalized epoch therefore always gives the same batches, the same
 * documents and the same CIDs. The documents may be built on several threads ({@link #batch(List, Consumer,
 * Executor)}); they are handed on in batch order all the same.
 */
public final class Batcher implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int batchSize;
    private final int maxDocumentBytes;

    public Batcher(int batchSize, int maxDocumentBytes) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, was " + batchSize);
        }
        this.batchSize = batchSize;
        this.maxDocumentBytes = maxDocumentBytes;
    }

    /** Batches for one (market, epoch); {@code results} may come in any order and must all be finalized. */
    public List<SubmissionBatch> batch(List<ProjectEpochResult> results) {
        List<SubmissionBatch> batches = new ArrayList<>();
        batch(results, batches::add, Runnable::run);
        return batches;
    }

    /**
     * As {@link #batch(List)}, building the documents on {@code builders} (each document is a pure function of its
     * group: JSON, Merkle root, CID) and handing each batch to {@code out} on the calling thread, in batch order, as
     * soon as it and every batch before it are built. The cut is decided first from the documents' exact lengths
     * ({@link BatchDocument#jsonLengthFromQuoted}), so every batch knows the epoch's batch count before the first
     * document is built, and the first upload can start while the rest are being built. The batches are the same
     * whatever the threads.
     */
    public void batch(List<ProjectEpochResult> results, Consumer<SubmissionBatch> out, Executor builders) {
        List<Group> groups = cut(results);
        int count = groups.size();
        List<CompletableFuture<SubmissionBatch>> built = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Group g = groups.get(i);
            int index = i;
            built.add(CompletableFuture.supplyAsync(() -> build(g, index, count), builders));
        }
        for (CompletableFuture<SubmissionBatch> b : built) {
            SubmissionBatch batch;
            try {
                batch = b.join();
            } catch (CompletionException e) {
                built.forEach(f -> f.cancel(false));
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw e;
            }
            out.accept(batch);
        }
    }

    /** The epoch's results sorted by project and cut into groups of at most batchSize that fit one document. */
    private List<Group> cut(List<ProjectEpochResult> results) {
        List<ProjectEpochResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparing(ProjectEpochResult::projectId));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).projectId().equals(sorted.get(i - 1).projectId())) {
                throw new IllegalStateException("project " + sorted.get(i).projectId() + " finalized twice");
            }
        }
        List<Group> groups = new ArrayList<>();
        for (int from = 0; from < sorted.size(); from += batchSize) {
            split(sorted.subList(from, Math.min(sorted.size(), from + batchSize)), groups);
        }
        return groups;
    }

    private void split(List<ProjectEpochResult> group, List<Group> into) {
        Lists lists = Lists.of(group);
        if (lists.jsonLength() <= maxDocumentBytes) {
            into.add(new Group(group, lists));
        } else if (group.size() > 1) {
            int half = group.size() / 2;
            split(group.subList(0, half), into);
            split(group.subList(half, group.size()), into);
        } else {
            throw new IllegalStateException("project " + group.get(0).projectId() + " alone exceeds " + maxDocumentBytes
                    + " bytes of batch document");
        }
    }

    /** A batch's projects and its document's lists. */
    private record Group(List<ProjectEpochResult> results, Lists lists) {}

    /** The four lists of a batch document, in document order; the submission texts quoted, as results hold them. */
    private record Lists(List<String> ids, List<byte[]> texts, List<String> pids, List<String> cids) {
        static Lists of(List<ProjectEpochResult> group) {
            List<String> ids = new ArrayList<>();
            List<byte[]> texts = new ArrayList<>();
            List<String> pids = new ArrayList<>(group.size());
            List<String> cids = new ArrayList<>(group.size());
            for (ProjectEpochResult r : group) {
                ids.addAll(Arrays.asList(r.submissionIds()));
                texts.addAll(Arrays.asList(r.submissions()));
                pids.add(r.projectId());
                cids.add(r.snapshotCid());
            }
            return new Lists(ids, texts, pids, cids);
        }

        long jsonLength() {
            return BatchDocument.jsonLengthFromQuoted(ids, texts, pids, cids);
        }
    }

    private static SubmissionBatch build(Group g, int index, int count) {
        ProjectEpochResult first = g.results().get(0);
        Lists l = g.lists();
        String rootHash = IncrementalMerkleTree.rootHex(l.ids());
        byte[] json = BatchDocument.toJsonFromQuoted(l.ids(), l.texts(), rootHash, l.pids(), l.cids());
        long closedAt = g.results().stream()
                .mapToLong(ProjectEpochResult::closedAtWallMs)
                .max()
                .orElse(0);
        return new SubmissionBatch(
                first.dataMarket(),
                first.epochId(),
                index,
                count,
                l.pids().toArray(new String[0]),
                l.cids().toArray(new String[0]),
                l.ids().toArray(new String[0]),
                json,
                Cid.rawLeavesV1(json),
                rootHash,
                BatchDocument.finalizedCidsRootHash(l.cids()),
                first.windowCloseMs(),
                closedAt);
    }
}
