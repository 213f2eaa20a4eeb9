package io.powerloom.sequencer.anchor.ipfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AddOptionsTest {

    @Test
    void sequencerOptionsGiveKubosQuery() {
        assertThat(AddOptions.rawLeavesV1().toQuery())
                .isEqualTo("cid-version=1&raw-leaves=true&pin=true&chunker=size-1048576&hash=sha2-256");
        assertThat(AddOptions.rawLeavesV1().withPin(false).toQuery()).contains("&pin=false&");
        assertThat(new AddOptions(0, false, true, 262144, "sha2-256").toQuery())
                .isEqualTo("cid-version=0&raw-leaves=false&pin=true&chunker=size-262144&hash=sha2-256");
    }

    @Test
    void rejectsWhatKuboWouldReject() {
        assertThatThrownBy(() -> new AddOptions(2, true, true, 1024, "sha2-256"))
                .hasMessageContaining("cidVersion");
        assertThatThrownBy(() -> new AddOptions(0, true, true, 1024, "sha2-256"))
                .hasMessageContaining("CIDv1");
        assertThatThrownBy(() -> new AddOptions(1, true, true, 0, "sha2-256")).hasMessageContaining("chunkSize");
        assertThatThrownBy(() -> new AddOptions(1, true, true, 1024 * 1024 + 1, "sha2-256"))
                .hasMessageContaining("chunkSize");
        assertThatThrownBy(() -> new AddOptions(1, true, true, 1024, "sha2 256&x=y"))
                .hasMessageContaining("hash");
    }
}
