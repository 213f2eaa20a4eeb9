package io.powerloom.sequencer.batch;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import io.powerloom.sequencer.finalize.ProjectEpochResult;
import io.powerloom.sequencer.protocol.batch.BatchDocument;
import io.powerloom.sequencer.protocol.cid.Cid;

/**
 * Cuts one epoch's finalized projects into batches, deterministically: projects sorted by ID, {@code batchSize}
 * projects per batch, batches numbered in that order; a batch whose document would exceed {@code maxDocumentBytes}
 * (one IPFS block) is halved until it fits. The same finalized epoch therefore always gives the same batches, the same
 * documents and the same CIDs.
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
        List<SubmissionBatch> batches = new ArrayList<>(groups.size());
        for (int i = 0; i < groups.size(); i++) {
            batches.add(build(groups.get(i), i, groups.size()));
        }
        return batches;
    }

    private void split(List<ProjectEpochResult> group, List<Group> into) {
        BatchDocument doc = document(group);
        byte[] json = doc.toJson();
        if (json.length <= maxDocumentBytes) {
            into.add(new Group(group, doc, json));
        } else if (group.size() > 1) {
            int half = group.size() / 2;
            split(group.subList(0, half), into);
            split(group.subList(half, group.size()), into);
        } else {
            throw new IllegalStateException("project " + group.get(0).projectId() + " alone exceeds "
                    + maxDocumentBytes + " bytes of batch document");
        }
    }

    /** A batch's projects with its document, serialized once. */
    private record Group(List<ProjectEpochResult> results, BatchDocument doc, byte[] json) {}

    private static BatchDocument document(List<ProjectEpochResult> group) {
        List<String> ids = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<String> pids = new ArrayList<>(group.size());
        List<String> cids = new ArrayList<>(group.size());
        for (ProjectEpochResult r : group) {
            ids.addAll(Arrays.asList(r.submissionIds()));
            for (byte[] text : r.submissions()) {
                texts.add(new String(text, StandardCharsets.UTF_8));
            }
            pids.add(r.projectId());
            cids.add(r.snapshotCid());
        }
        return BatchDocument.build(ids, texts, pids, cids);
    }

    private static SubmissionBatch build(Group g, int index, int count) {
        ProjectEpochResult first = g.results().get(0);
        BatchDocument doc = g.doc();
        long closedAt = g.results().stream().mapToLong(ProjectEpochResult::closedAtWallMs).max().orElse(0);
        return new SubmissionBatch(first.dataMarket(), first.epochId(), index, count,
                doc.pids().toArray(new String[0]), doc.cids().toArray(new String[0]),
                doc.submissionIds().toArray(new String[0]), g.json(), Cid.rawLeavesV1(g.json()), doc.rootHash(),
                doc.finalizedCidsRootHash(), first.windowCloseMs(), closedAt);
    }
}
