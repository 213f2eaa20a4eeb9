package io.powerloom.sequencer.verify;

import static io.powerloom.sequencer.job.Snapshotters.MARKET;
import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.job.Snapshotters;
import io.powerloom.sequencer.model.RejectReason;
import io.powerloom.sequencer.model.SignedSubmission;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ParseAndRecoverTest {
    private OneInputStreamOperatorTestHarness<CollectedRecord, SignedSubmission> harness;

    @BeforeEach
    void open() throws Exception {
        ParseAndRecover fn = new ParseAndRecover(
                Snapshotters.CHAIN_ID, Snapshotters.PROTOCOL_STATE, Set.of(MARKET), Set.of(Snapshotters.address(666)));
        harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(fn));
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void push(CollectedRecord r) throws Exception {
        harness.processElement(new StreamRecord<>(r, r.receivedAtMs()));
    }

    private List<RejectReason> rejected() {
        return harness.getSideOutput(ParseAndRecover.REJECTED) == null
                ? List.of()
                : harness.getSideOutput(ParseAndRecover.REJECTED).stream()
                        .map(r -> r.getValue().reason())
                        .collect(Collectors.toList());
    }

    @Test
    void recoversTheSignerOfAValidSubmission() throws Exception {
        push(Snapshotters.collected("a", 7, 12, "p1", "bafkreiaaa", 1000));
        List<SignedSubmission> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        SignedSubmission s = out.get(0);
        assertThat(s.signer()).isEqualTo(Snapshotters.address(7));
        assertThat(s.slotId()).isEqualTo(7);
        assertThat(s.epochId()).isEqualTo(12);
        assertThat(s.projectId()).isEqualTo("p1");
        assertThat(s.dataMarket()).isEqualTo(MARKET);
        // quoted once here, as batch documents hold it
        assertThat(new String(s.quotedProtoJson(), java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("\"{\\\"request\\\":")
                .contains("\\\"slotId\\\":\\\"7\\\"")
                .endsWith("}\"");
        assertThat(rejected()).isEmpty();
    }

    @Test
    void aSignatureByAnotherKeyRecoversAnotherAddress() throws Exception {
        // signed by slot 8's key but claiming slot 7: verify part 1 recovers slot 8's address; SlotRules rejects it
        String json = Snapshotters.json(Snapshotters.key(8), 7, 12, "p1", "bafkreiaaa", 10, MARKET);
        push(new CollectedRecord(CollectedRecord.Kind.SUBMISSION, "b", "peer", 1000, json, 0, 1, null));
        assertThat(harness.extractOutputValues())
                .singleElement()
                .extracting(SignedSubmission::signer)
                .isEqualTo(Snapshotters.address(8));
    }

    @Test
    void rejectsWithReasons() throws Exception {
        push(new CollectedRecord(CollectedRecord.Kind.SUBMISSION, "m", "peer", 1, "{\"request\":", 0, 1, null));
        String otherMarket = Snapshotters.json(Snapshotters.key(7), 7, 12, "p1", "c", 10, "0x" + "11".repeat(20));
        push(new CollectedRecord(CollectedRecord.Kind.SUBMISSION, "u", "peer", 2, otherMarket, 0, 2, null));
        String good = Snapshotters.json(Snapshotters.key(7), 7, 12, "p1", "c", 10, MARKET);
        String badSig = good.replaceFirst("\"signature\":\"[0-9a-f]{10}", "\"signature\":\"zzzzzzzzzz");
        push(new CollectedRecord(CollectedRecord.Kind.SUBMISSION, "s", "peer", 3, badSig, 0, 3, null));
        String flagged = Snapshotters.json(Snapshotters.key(666), 666, 12, "p1", "c", 10, MARKET);
        push(new CollectedRecord(CollectedRecord.Kind.SUBMISSION, "f", "peer", 4, flagged, 0, 4, null));
        push(new CollectedRecord(CollectedRecord.Kind.UNDECODABLE, null, null, 5, null, 3, 99, "not json"));
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(rejected())
                .containsExactly(
                        RejectReason.MALFORMED_SUBMISSION,
                        RejectReason.UNKNOWN_DATA_MARKET,
                        RejectReason.BAD_SIGNATURE,
                        RejectReason.FLAGGED_SIGNER,
                        RejectReason.UNDECODABLE_RECORD);
        assertThat(harness.getSideOutput(ParseAndRecover.REJECTED).stream()
                        .map(r -> r.getValue().submissionId()))
                .contains("kafka:3:99");
    }

    @Test
    void heartbeatsGoNoFurther() throws Exception {
        push(new CollectedRecord(CollectedRecord.Kind.HEARTBEAT, null, null, 5000, null, 1, 7, null));
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(rejected()).isEmpty();
    }
}
