package io.powerloom.sequencer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StageProfileTest {

    @Test
    void namesATaskThreadByItsChainsFirstOperatorWithoutTheSubtask() {
        assertThat(StageProfile.stageOf("[verify: slot owner, deadline, epoch limit (2/2)#0 tid=4711]"))
                .isEqualTo("verify: slot owner, deadline, epoch limit");
        assertThat(StageProfile.stageOf(
                        "[finalize: consensus per project and epoch -> (sink: finalized: Writer -> sink: finalized:"
                                + " Committer, finalized only) (1/2)#0 tid=12]"))
                .isEqualTo("finalize: consensus per project and epoch");
        assertThat(StageProfile.stageOf(
                        "[Source: source: submissions -> verify: decode and recover signer (1/2)#0 tid=9]"))
                .isEqualTo("verify: decode and recover signer");
        assertThat(StageProfile.stageOf("[C2 CompilerThread0 tid=20]")).isEqualTo("JIT compiler");
        assertThat(StageProfile.stageOf("[batch-builder-1-2 tid=77]"))
                .isEqualTo("batch: building documents (its builder threads)");
        assertThat(StageProfile.stageOf("[main tid=1]")).startsWith("other");
    }

    @Test
    void countsASampleAsTheFirstKindAnyOfItsFramesMatches() {
        // a key serialized for a RocksDB look-up is state, not serialization
        assertThat(StageProfile.kindOf(
                        "io/powerloom/sequencer/verify/SlotRules.judge;org/apache/flink/state/rocksdb/RocksDBMapState.get;"
                                + "org/apache/flink/api/common/typeutils/base/StringSerializer.serialize"))
                .isEqualTo("state (RocksDB)");
        assertThat(StageProfile.kindOf(
                        "io/powerloom/sequencer/verify/ParseAndRecover.verify;fr/acinq/secp256k1/NativeSecp256k1.ecdsaRecover;"
                                + "secp256k1_fe_mul_inner"))
                .isEqualTo("signature recovery (secp256k1)");
        assertThat(StageProfile.kindOf("java/lang/Thread.run;java/util/HashMap.get"))
                .isEqualTo("Flink runtime and JDK, other");
    }

    @Test
    void sumsSamplesByStageAndKindTheBusiestFirst() {
        List<StageProfile.Stage> stages = StageProfile.stages(List.of(
                "[verify: slot owner, deadline, epoch limit (1/2)#0 tid=1];a;org/rocksdb/RocksDB.get 30",
                "[verify: slot owner, deadline, epoch limit (2/2)#0 tid=2];a;org/rocksdb/RocksDB.put 20",
                "[verify: slot owner, deadline, epoch limit (2/2)#0 tid=2];a;io/powerloom/sequencer/X.y 5",
                "[C1 CompilerThread0 tid=3];Compile 70"));

        assertThat(stages)
                .extracting(StageProfile.Stage::name)
                .containsExactly("JIT compiler", "verify: slot owner, deadline, epoch limit");
        assertThat(stages.get(1).samples()).isEqualTo(55);
        assertThat(stages.get(1).byKind())
                .containsEntry("state (RocksDB)", 50L)
                .containsEntry("sequencer code, other", 5L);
    }
}
