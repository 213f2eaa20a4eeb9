package io.powerloom.sequencer.chain.commit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GasModelTest {

    @Test
    void nothingLearnedMeansEstimate() {
        assertThat(new GasModel(1.25).limit(10_000)).isEqualTo(-1);
    }

    @Test
    void limitIsBasePlusTheHighestRateSeenTimesTheCalldataTimesTheMultiplier() {
        GasModel m = new GasModel(1.25);
        m.observe(1_000_000, 10_000); // 100 gas per byte
        assertThat(m.limit(20_000))
                .isEqualTo((long) Math.ceil((CommitClientConfig.BATCH_BASE_GAS + 100.0 * 20_000) * 1.25));
        m.observe(500_000, 10_000); // a cheaper batch does not lower the rate
        assertThat(m.limit(20_000))
                .isEqualTo((long) Math.ceil((CommitClientConfig.BATCH_BASE_GAS + 100.0 * 20_000) * 1.25));
        m.observe(3_000_000, 20_000); // a dearer one raises it
        assertThat(m.limit(20_000))
                .isEqualTo((long) Math.ceil((CommitClientConfig.BATCH_BASE_GAS + 150.0 * 20_000) * 1.25));
        m.observe(0, 100);
        m.observe(100, 0);
        assertThat(m.limit(20_000))
                .isEqualTo((long) Math.ceil((CommitClientConfig.BATCH_BASE_GAS + 150.0 * 20_000) * 1.25));
    }

    @Test
    void calldataBytesOfHex() {
        assertThat(GasModel.calldataBytes("0x")).isZero();
        assertThat(GasModel.calldataBytes("0xa9059cbb")).isEqualTo(4);
        assertThat(GasModel.calldataBytes("a9059cbb00")).isEqualTo(5);
    }
}
