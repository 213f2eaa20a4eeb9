package io.powerloom.sequencer.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.powerloom.sequencer.local.SimulatedSubmissions.Fault;
import io.powerloom.sequencer.local.SimulatedSubmissions.Planned;
import io.powerloom.sequencer.protocol.crypto.Eip712;
import io.powerloom.sequencer.protocol.crypto.Eip712Domain;
import io.powerloom.sequencer.protocol.crypto.Secp256k1;
import io.powerloom.sequencer.protocol.wire.SnapshotSubmission;
import io.powerloom.sequencer.protocol.wire.SubmissionCodec;
import io.powerloom.sequencer.protocol.wire.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimulatedSubmissionsTest {
    static final Eip712Domain DOMAIN = new Eip712Domain(31337, "0x" + "5f".repeat(20));
    static final String MARKET = "0x" + "e7".repeat(20);
    static final String HEAD = "0x" + "ab".repeat(32);

    final SimulatedSubmissions subs = new SimulatedSubmissions(DOMAIN, MARKET, 5, 3, 7, 0.0);

    static SnapshotSubmission decode(Planned p) throws WireFormatException {
        assertThat(new String(p.frame(), 0, 36, StandardCharsets.US_ASCII)).isEqualTo(p.submissionId());
        return SubmissionCodec.fromGoJson(Arrays.copyOfRange(p.frame(), 36, p.frame().length));
    }

    static String signer(SnapshotSubmission s) throws Exception {
        return Secp256k1.recoverAddress(Eip712.digest(DOMAIN, s.request()), Secp256k1.parseSignatureHex(s.signature()));
    }

    @Test
    void honestSubmissionsAreSignedByTheSlotOwnerInGoJson() throws Exception {
        List<Planned> planned = subs.plan(2, 9, 100, HEAD, 50, new Random(1));
        assertThat(planned).hasSize(7); // slot 2 is a full node: every project
        for (Planned p : planned) {
            SnapshotSubmission s = decode(p);
            assertThat(p.fault()).isEqualTo(Fault.NONE);
            assertThat(s.request().slotId()).isEqualTo(2);
            assertThat(s.request().epochId()).isEqualTo(9);
            assertThat(s.request().deadline()).isEqualTo(150);
            assertThat(s.request().snapshotCid()).isEqualTo(SimulatedSubmissions.snapshotCid(9, p.projectId()));
            assertThat(s.signature()).doesNotStartWith("0x").hasSize(130);
            assertThat(s.header()).isEqualTo(HEAD);
            assertThat(s.dataMarket()).isEqualTo(MARKET);
            assertThat(signer(s)).isEqualToIgnoringCase(SimulatedSubmissions.snapshotterAddress(2));
        }
    }

    @Test
    void lightNodesSubmitTwoProjectsRotatingWithTheEpoch() {
        assertThat(subs.isFullNode(3)).isTrue();
        assertThat(subs.isFullNode(4)).isFalse();
        assertThat(subs.projectsOf(4, 1)).hasSize(2).doesNotHaveDuplicates();
        assertThat(subs.projectsOf(4, 1)).isNotEqualTo(subs.projectsOf(4, 2));
        assertThat(subs.fullNodeAddresses())
                .containsExactly(
                        SimulatedSubmissions.snapshotterAddress(1),
                        SimulatedSubmissions.snapshotterAddress(2),
                        SimulatedSubmissions.snapshotterAddress(3));
    }

    @Test
    void faultsAreWhatTheySay() throws Exception {
        Random rnd = new Random(3);
        String project = SimulatedSubmissions.projectId(0);
        SnapshotSubmission forged = decode(subs.build(1, 4, project, 10, HEAD, Fault.FORGED_SIGNATURE, rnd));
        assertThat(forged.request().slotId()).isEqualTo(1);
        assertThat(signer(forged)).isNotEqualToIgnoringCase(SimulatedSubmissions.snapshotterAddress(1));

        SnapshotSubmission wrongSlot = decode(subs.build(1, 4, project, 10, HEAD, Fault.UNREGISTERED_SLOT, rnd));
        assertThat(wrongSlot.request().slotId()).isEqualTo(SimulatedSubmissions.UNREGISTERED_SLOT_BASE + 1);

        SnapshotSubmission late = decode(subs.build(1, 4, project, 10, HEAD, Fault.LATE, rnd));
        assertThat(signer(late)).isEqualToIgnoringCase(SimulatedSubmissions.snapshotterAddress(1));

        Planned malformed = subs.build(1, 4, project, 10, HEAD, Fault.MALFORMED, rnd);
        assertThatThrownBy(() -> decode(malformed)).isInstanceOf(WireFormatException.class);
        // still one well-framed JSON object, so the stream goes on after it
        String json = new String(malformed.frame(), 36, malformed.frame().length - 36, StandardCharsets.UTF_8);
        assertThat(json).startsWith("{").endsWith("}");
    }

    @Test
    void faultyShareIsRoughlyKeptAndEveryKindOccurs() {
        SimulatedSubmissions faulty = new SimulatedSubmissions(DOMAIN, MARKET, 5, 5, 40, 0.3);
        Random rnd = new Random(7);
        Map<Fault, Integer> counts = new EnumMap<>(Fault.class);
        int total = 0;
        for (long epoch = 1; epoch <= 10; epoch++) {
            for (long slot = 1; slot <= 5; slot++) {
                for (Planned p : faulty.plan(slot, epoch, 1, HEAD, 10, rnd)) {
                    counts.merge(p.fault(), 1, Integer::sum);
                    total++;
                }
            }
        }
        assertThat(total).isEqualTo(2000);
        assertThat(counts.get(Fault.NONE)).isBetween(1300, 1500);
        assertThat(counts.keySet()).containsExactlyInAnyOrder(Fault.values());
    }

    @Test
    void rejectsASlotOutsideTheFleet() {
        assertThatThrownBy(() -> subs.plan(6, 1, 1, HEAD, 1, new Random()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slot 6");
    }
}
