package io.powerloom.sequencer.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.powerloom.sequencer.job.Snapshotters;
import io.powerloom.sequencer.model.ProjectEpochKey;
import io.powerloom.sequencer.model.ProjectEpochResult;
import io.powerloom.sequencer.protocol.batch.BatchDocument;
import io.powerloom.sequencer.protocol.cid.Cid;
import io.powerloom.sequencer.protocol.merkle.IncrementalMerkleTree;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BatcherTest {

    static ProjectEpochResult result(String project, String cid, int submissions) {
        String[] ids = new String[submissions];
        byte[][] texts = new byte[submissions][];
        long[] slots = new long[submissions];
        for (int i = 0; i < submissions; i++) {
            ids[i] = Snapshotters.id(project + "/" + i);
            texts[i] = io.powerloom.sequencer.protocol.json.Utf8Json.quote(
                    ("{\"request\":{\"slotId\":\"" + i + "\",\"projectId\":\"" + project + "\"}}")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            slots[i] = i;
        }
        return ProjectEpochResult.builder(ProjectEpochKey.of(Snapshotters.MARKET, 9, project))
                .finalized(cid)
                .counts(submissions, submissions)
                .cidCounts(new String[] {cid}, new int[] {submissions})
                .submissions(ids, texts, slots)
                .window(1000, 2000)
                .build();
    }

    private static List<ProjectEpochResult> projects(int n) {
        List<ProjectEpochResult> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(result(String.format("project-%03d", i), "bafkreicid" + i, 1 + i % 3));
        }
        return list;
    }

    @Test
    void sortsProjectsAndCutsBatchesOfTheConfiguredSize() {
        List<ProjectEpochResult> in = projects(7);
        Collections.shuffle(in, new Random(1));
        List<SubmissionBatch> batches = new Batcher(3, 1 << 20).batch(in);
        assertThat(batches).hasSize(3);
        assertThat(batches.get(0).projectIds()).containsExactly("project-000", "project-001", "project-002");
        assertThat(batches.get(2).projectIds()).containsExactly("project-006");
        assertThat(batches).extracting(SubmissionBatch::batchIndex).containsExactly(0, 1, 2);
        assertThat(batches).extracting(SubmissionBatch::batchCount).containsOnly(3);
    }

    @Test
    void sameEpochGivesTheSameDocumentsAndCidsWhateverTheInputOrder() {
        List<ProjectEpochResult> a = projects(20);
        List<ProjectEpochResult> b = new ArrayList<>(a);
        Collections.shuffle(b, new Random(42));
        List<SubmissionBatch> x = new Batcher(6, 1 << 20).batch(a);
        List<SubmissionBatch> y = new Batcher(6, 1 << 20).batch(b);
        assertThat(x).hasSameSizeAs(y);
        for (int i = 0; i < x.size(); i++) {
            assertThat(y.get(i).document()).isEqualTo(x.get(i).document());
            assertThat(y.get(i).batchCid()).isEqualTo(x.get(i).batchCid());
        }
    }

    @Test
    void documentRootsAndCidAreConsistent() throws Exception {
        SubmissionBatch b = new Batcher(50, 1 << 20).batch(projects(4)).get(0);
        BatchDocument doc = BatchDocument.fromJson(b.document());
        assertThat(doc.pids()).containsExactly(b.projectIds());
        assertThat(doc.cids()).containsExactly(b.snapshotCids());
        assertThat(doc.submissionIds()).containsExactly(b.submissionIds());
        assertThat(doc.rootHash()).isEqualTo(IncrementalMerkleTree.rootHex(Arrays.asList(b.submissionIds())));
        assertThat(b.finalizedCidsRootHash()).isEqualTo(IncrementalMerkleTree.rootHex(Arrays.asList(b.snapshotCids())));
        assertThat(b.batchCid()).isEqualTo(Cid.rawLeavesV1(b.document())).startsWith("bafkrei");
        // all submissions of a project sit in the same batch, in project order
        assertThat(doc.submissionIds()).hasSize(1 + 2 + 3 + 1);
        assertThat(doc.submissions().get(0)).contains("project-000");

        // what goes on to the commit once the document is on IPFS: everything the commit and its outcome use, no
        // content
        SubmissionBatch light = b.withoutContent();
        assertThat(light.document()).isEmpty();
        assertThat(light.submissionIds()).isEmpty();
        assertThat(light)
                .usingRecursiveComparison()
                .ignoringFields("document", "submissionIds")
                .isEqualTo(b);
    }

    @Test
    void splitsBatchesWhoseDocumentWouldNotFitOneBlock() {
        List<ProjectEpochResult> in = projects(8);
        int whole = new Batcher(8, 1 << 20).batch(in).get(0).document().length;
        List<SubmissionBatch> split = new Batcher(8, whole / 2).batch(in);
        assertThat(split.size()).isGreaterThan(1);
        assertThat(split).allSatisfy(b -> assertThat(b.document().length).isLessThanOrEqualTo(whole / 2));
        assertThat(split.stream().flatMap(b -> Arrays.stream(b.projectIds())).collect(Collectors.toList()))
                .containsExactlyElementsOf(
                        in.stream().map(ProjectEpochResult::projectId).sorted().collect(Collectors.toList()));
    }

    @Test
    void theCutIsDecidedFromTheExactDocumentLengthAndStreamedInOrder() {
        List<ProjectEpochResult> in = projects(8);
        int whole = new Batcher(8, 1 << 20).batch(in).get(0).document().length;
        assertThat(new Batcher(8, whole).batch(in)).hasSize(1); // a document of exactly the limit fits
        assertThat(new Batcher(8, whole - 1).batch(in)).hasSize(2);
        // the streaming form hands over the same batches, each already knowing the epoch's batch count
        List<SubmissionBatch> listed = new Batcher(3, 1 << 20).batch(in);
        List<SubmissionBatch> streamed = new ArrayList<>();
        new Batcher(3, 1 << 20).batch(in, streamed::add, Runnable::run);
        assertThat(streamed).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(streamed.get(i).batchIndex()).isEqualTo(i);
            assertThat(streamed.get(i).batchCount()).isEqualTo(3);
            assertThat(streamed.get(i).batchCid()).isEqualTo(listed.get(i).batchCid());
        }
    }

    @Test
    void documentsBuiltOnSeveralThreadsAreHandedOnInBatchOrderOnTheCallersThread() {
        List<ProjectEpochResult> in = projects(60);
        List<SubmissionBatch> serial = new Batcher(4, 1 << 20).batch(in);
        // a builder that runs the documents last first, once all are submitted: later batches are built first
        List<Runnable> queued = new ArrayList<>();
        java.util.concurrent.Executor reversed = task -> {
            queued.add(task);
            if (queued.size() == serial.size()) {
                new Thread(() -> {
                            for (int i = queued.size() - 1; i >= 0; i--) {
                                queued.get(i).run();
                            }
                        })
                        .start();
            }
        };
        List<SubmissionBatch> parallel = new ArrayList<>();
        List<Thread> handedOnBy = new ArrayList<>();
        new Batcher(4, 1 << 20)
                .batch(
                        in,
                        b -> {
                            parallel.add(b);
                            handedOnBy.add(Thread.currentThread());
                        },
                        reversed);
        assertThat(parallel).hasSameSizeAs(serial).hasSize(15);
        for (int i = 0; i < serial.size(); i++) {
            assertThat(parallel.get(i).batchIndex()).isEqualTo(i);
            assertThat(parallel.get(i).document()).isEqualTo(serial.get(i).document());
            assertThat(parallel.get(i).batchCid()).isEqualTo(serial.get(i).batchCid());
        }
        assertThat(handedOnBy).containsOnly(Thread.currentThread());
    }

    @Test
    void aProjectFinalizedTwiceIsRefusedBeforeAnyParallelBuild() {
        List<ProjectEpochResult> in = new ArrayList<>(projects(2));
        in.add(in.get(0));
        List<Runnable> submitted = new ArrayList<>();
        assertThatThrownBy(() -> new Batcher(5, 1 << 20).batch(in, b -> {}, submitted::add))
                .hasMessageContaining("finalized twice");
        assertThat(submitted).isEmpty();
    }

    @Test
    void refusesAProjectFinalizedTwice() {
        List<ProjectEpochResult> in = new ArrayList<>(projects(2));
        in.add(in.get(0));
        assertThatThrownBy(() -> new Batcher(5, 1 << 20).batch(in)).hasMessageContaining("finalized twice");
    }
}
