package io.powerloom.sequencer.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HexTest {

    @Test
    void roundTrips() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        String hex = Hex.encode(all);
        assertThat(hex).startsWith("000102").endsWith("fdfeff").isLowerCase();
        assertThat(Hex.decode(hex)).isEqualTo(all);
        assertThat(Hex.decode("0x" + hex.toUpperCase())).isEqualTo(all);
        assertThat(Hex.decode("0X" + hex)).isEqualTo(all);
        assertThat(Hex.decode("")).isEmpty();
        assertThat(Hex.decode("0x")).isEmpty();
        assertThat(Hex.encode0x(new byte[] {1})).isEqualTo("0x01");
    }

    @Test
    void strict() {
        assertThatThrownBy(() -> Hex.decode("abc")).hasMessageContaining("odd");
        assertThatThrownBy(() -> Hex.decode("0xg0")).hasMessageContaining("'g' at index 2");
        assertThatThrownBy(() -> Hex.decode(" 00")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void addressCheck() {
        assertThat(Hex.isLowerCaseAddress("0x" + "ab".repeat(20))).isTrue();
        assertThat(Hex.isLowerCaseAddress("0x" + "AB".repeat(20))).isFalse();
        assertThat(Hex.isLowerCaseAddress("ab".repeat(21))).isFalse();
        assertThat(Hex.isLowerCaseAddress("0x" + "ab".repeat(19))).isFalse();
    }

    @Test
    void keccakIsNotSha3() {
        // keccak256("") — the well-known Ethereum empty hash (SHA3-256("") would be a7ffc6f8...)
        assertThat(Hex.encode(Keccak256.hash(new byte[0])))
                .isEqualTo("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
        assertThat(Keccak256.hash("ab".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(Keccak256.hash(
                        "a".getBytes(StandardCharsets.US_ASCII), "b".getBytes(StandardCharsets.US_ASCII)));
    }
}
